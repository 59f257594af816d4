"""The real papertui in a pseudo-terminal: what a user's keystrokes do to the process itself
(not to a pilot inside it), for failures only the real driver and interpreter can show."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time


class Terminal:
    """`python -m papertui ARGS` on a pty of `size`; `stdin_pipe`: papers come from a pipe
    that stays open (as `tail -f log | papertui -`), the keys from the terminal."""

    def __init__(self, *args: str, size: tuple[int, int] = (100, 30), stdin_pipe: bool = False) -> None:
        self.output = bytearray()
        self.pipe_writer: int | None = None
        pipe = os.pipe() if stdin_pipe else None
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal
            if pipe is not None:
                os.dup2(pipe[0], 0)
                os.close(pipe[0])
                os.close(pipe[1])
            env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
            os.execve(sys.executable, [sys.executable, "-m", "papertui", *args], env)
        if pipe is not None:
            os.close(pipe[0])
            self.pipe_writer = pipe[1]
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait_for_output(self, needle: bytes, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output:
                return True
            time.sleep(0.05)
        return False

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def exited_within(self, seconds: float) -> bool:
        """Whether the process ended within `seconds` (its status is kept in `status`)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for fd in (self.fd, self.pipe_writer):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass

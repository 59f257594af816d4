"""Paste text into the real app in tmux as keys (no bracketed paste), and time until the
pane stops changing and shows the filter; the same on a minimal Textual app with an Input.

    .venv/bin/python bench/paste_flood.py 10000

Needs tmux. The floor app echoes the value's length into a status line.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_APP = '''
from textual.app import App
from textual.widgets import Input, Static
class Floor(App):
    def compose(self):
        yield Input(); yield Static(id="s")
    def on_input_changed(self, event):
        self.query_one("#s", Static).update(f"filter: {len(event.value)}")
Floor().run()
'''
QUIET = 3.0  # seconds without a change that count as settled
CHUNK = 10_000  # tmux takes at most this much in one send-keys


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def paste(command: str, count: int, done: str, limit: float = 300) -> str:
    tmux("kill-session", "-t", "flood")
    tmux("new-session", "-d", "-s", "flood", "-x", "120", "-y", "40", command)
    time.sleep(3)  # started and drawn
    text = ("masked thought " * (count // 15 + 1))[:count]
    start = time.monotonic()
    for at in range(0, count, CHUNK):
        tmux("send-keys", "-t", "flood", "-l", text[at : at + CHUNK])
    last, changed = "", start
    while time.monotonic() - start < limit:
        screen = tmux("capture-pane", "-p", "-t", "flood")
        now = time.monotonic()
        if screen != last:
            last, changed = screen, now
        elif now - changed > QUIET and done in screen:
            break
        time.sleep(0.01)
    else:
        tmux("kill-session", "-t", "flood")
        return f"not settled after {limit:.0f} s"
    tmux("kill-session", "-t", "flood")
    return f"settled {changed - start:.2f} s after the paste began"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    python = sys.executable
    with tempfile.TemporaryDirectory() as temp:
        floor = Path(temp, "floor.py")
        floor.write_text(FLOOR_APP)
        print(f"papertui, {count:,} keys: {paste(f'{python} -m papertui', count, 'filter: masked')}")
        print(f"floor app, {count:,} keys: {paste(f'{python} {floor}', count, f'filter: {count}')}")


if __name__ == "__main__":
    main()

"""regular_files: a FIFO, a device or a directory given as a file is refused at once, in one line."""

from __future__ import annotations

import os

import pytest

from papertui.storage.regular_files import (
    FileTooLarge,
    NotRegularFile,
    check_regular,
    read_regular_bytes,
    read_regular_text,
)
from helpers import within_deadline

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")




def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes("hf = true\n# ünïcode\n".encode())
    assert read_regular_bytes(path, 100) == "hf = true\n# ünïcode\n".encode()
    assert read_regular_text(path, 100) == "hf = true\n# ünïcode\n"
    check_regular(path)


@fifo_only
def test_a_fifo_is_refused_at_once_naming_it(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    kind, error = within_deadline(lambda: read_regular_bytes(fifo, 1000))
    assert kind == "error" and isinstance(error, NotRegularFile) and isinstance(error, OSError)
    assert str(error) == f"{fifo} is a named pipe (FIFO), not a file"
    assert error.strerror == "it is a named pipe (FIFO), not a file"
    kind, error = within_deadline(lambda: check_regular(fifo))
    assert kind == "error" and isinstance(error, NotRegularFile)


def test_a_directory_and_a_device_are_refused(tmp_path):
    with pytest.raises(NotRegularFile, match="is a directory, not a file"):
        read_regular_text(tmp_path, 1000)
    with pytest.raises(NotRegularFile, match="is a directory, not a file"):
        check_regular(tmp_path)
    if os.path.exists("/dev/zero"):  # would never end if read as a file
        with pytest.raises(NotRegularFile, match="/dev/zero is a character device, not a file"):
            read_regular_bytes("/dev/zero", 1000)


def test_a_file_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileTooLarge) as raised:
        read_regular_bytes(path, 100)
    assert str(raised.value) == f"{path} is larger than 100 bytes"
    assert read_regular_bytes(path, 101) == b"x" * 101


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular_bytes(tmp_path / "nothing", 100)
    with pytest.raises(FileNotFoundError):
        check_regular(tmp_path / "nothing")


def test_control_characters_in_the_path_are_spelt_out(tmp_path):
    path = tmp_path / "a\x1b[2Jb"
    path.mkdir()
    with pytest.raises(NotRegularFile) as raised:
        read_regular_bytes(path, 100)
    message = str(raised.value)
    assert "\x1b" not in message and "\\x1b[2Jb is a directory" in message and "\n" not in message


def test_invalid_utf8_raises_unicode_decode_error(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"ok\xff\n")
    with pytest.raises(UnicodeDecodeError):
        read_regular_text(path, 100)
    assert read_regular_text(path, 100, errors="replace") == "ok\ufffd\n"


def test_a_file_reporting_no_size_is_still_read_whole_up_to_the_limit():
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc here")
    text = read_regular_text("/proc/self/status", 1 << 20)  # st_size is 0 in /proc
    assert "Name:" in text
    with pytest.raises(FileTooLarge):
        read_regular_bytes("/proc/self/status", 10)

"""`papertui doctor`: what would be used and why, read without changing anything."""

from __future__ import annotations

import errno
import re

import pyperclip
import pytest

from papertui import doctor
from papertui.cli import main

NO_DISPLAY = {"TERM": "xterm-256color"}


def run_doctor(capsys, *paths: str) -> str:
    assert main(["doctor", *paths]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def row(out: str, label: str, section: str = "") -> str:
    """A row's value, in `section` when labels repeat."""
    out = out[out.index(f"\n{section}\n") :] if section else out
    match = re.search(rf"^  {re.escape(label)} +(.*)$", out, re.MULTILINE)
    assert match, f"no {label!r} row in:\n{out}"
    return match.group(1)


@pytest.fixture
def environment(monkeypatch):
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "COLORTERM", "NO_COLOR", "TMUX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


def test_every_section_is_there_and_the_seed_corpus_is_summarised(capsys, environment):
    out = run_doctor(capsys)
    for section in ("Clipboard", "Browser", "Data directory", "Terminal", "Corpus"):
        assert f"\n{section}\n" in out
    assert row(out, "loaded") == "321 papers from 325 records in 5 files"
    assert row(out, "warnings") == "0"
    assert row(out, "cache").endswith("(from $PAPERTUI_CACHE_DIR): 0 kept loads, 0 bytes (papertui cache --clear empties it)")


def test_the_doctor_counts_the_kept_loads(capsys, environment):
    from papertui.cli import main

    assert main(["list", "--query", "agents", "--limit", "1"]) == 0  # a search keeps the load
    capsys.readouterr()
    assert ": 1 kept load, " in row(run_doctor(capsys), "cache")


def test_no_clipboard_program_means_osc52_and_says_why(capsys, environment):
    class Unavailable:
        def __bool__(self):
            return False

    environment.setattr(pyperclip, "determine_clipboard", lambda: (Unavailable(), Unavailable()))
    out = run_doctor(capsys)
    assert row(out, "copies with") == "OSC 52 (the terminal's clipboard)"
    assert row(out, "why").startswith("pyperclip found no clipboard program; ")


def test_a_clipboard_program_is_named(capsys, environment):
    def init_xclip_clipboard():
        def copy_xclip(text):
            pass

        return copy_xclip, copy_xclip

    environment.setattr(pyperclip, "determine_clipboard", init_xclip_clipboard)
    assert row(run_doctor(capsys), "copies with") == "pyperclip (xclip)"


def test_browser_variable_with_a_missing_program(capsys, environment):
    environment.setenv("BROWSER", "no-such-browser-anywhere %s")
    out = run_doctor(capsys)
    assert row(out, "opens with") == "nothing: links are copied instead"
    assert row(out, "why", "Browser") == "$BROWSER names no program that exists (no-such-browser-anywhere %s)"


def test_browser_variable_with_a_program_that_exists(capsys, environment):
    environment.setenv("BROWSER", "true")
    assert row(run_doctor(capsys), "opens with") == "$BROWSER (true)"


def test_no_display_and_no_browser_variable(capsys, environment):
    out = run_doctor(capsys)
    assert row(out, "why", "Browser") == "no display to show a browser (set $BROWSER to choose one)"
    assert row(out, "display").startswith("no ")


def test_data_directory_states(capsys, environment, data_dir):
    assert row(run_doctor(capsys), "writable").startswith("not created yet; ")
    data_dir.mkdir()
    assert row(run_doctor(capsys), "writable") == "yes"

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    environment.setattr(doctor.os, "fsync", full)
    assert row(run_doctor(capsys), "writable") == "NO: No space left on device (marks would stay in memory only)"
    assert list(data_dir.iterdir()) == []  # the probe is gone


def test_a_damaged_state_file_is_reported_and_left_alone(capsys, environment, data_dir):
    data_dir.mkdir()
    damaged = b'{"version": 1, "papers": {'
    (data_dir / "state.json").write_bytes(damaged)
    out = run_doctor(capsys)
    assert row(out, "marks").startswith("state.json is DAMAGED")
    assert [p.name for p in data_dir.iterdir()] == ["state.json"] and (data_dir / "state.json").read_bytes() == damaged


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "16 million (COLORTERM=truecolor)"),
        ({"TERM": "xterm-256color"}, "256 (TERM=xterm-256color; COLORTERM=truecolor gives 16 million)"),
        ({"TERM": "vt100"}, "16 (TERM=vt100)"),
        ({"TERM": "dumb"}, "none or unknown (TERM=dumb): set TERM, e.g. xterm-256color"),
        ({"TERM": "xterm", "NO_COLOR": "1"}, "none: NO_COLOR is set"),
    ],
)
def test_colours_from_the_environment(env, expected):
    assert doctor._colours(env) == expected


def test_no_terminal_is_said_plainly(capsys, environment):
    environment.setattr(doctor, "_terminal_size", lambda: None)
    assert row(run_doctor(capsys), "size").startswith("no terminal here")
    environment.setattr(doctor, "_terminal_size", lambda: (40, 12))
    out = run_doctor(capsys)
    assert row(out, "size") == "40×12" and row(out, "layout").startswith("narrow")


def test_a_corpus_with_bad_files_and_hostile_values_prints_clean_lines(capsys, environment, tmp_path):
    (tmp_path / "good.txt").write_text("Abstract: A good paper with an abstract long enough to stand on its own.\n")
    (tmp_path / "bad.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x01\x02")
    environment.setenv("BROWSER", "evil\x1b]52;c;eA==\x07")
    out = run_doctor(capsys, str(tmp_path))
    assert row(out, "loaded") == "1 papers from 1 records in 2 files"
    assert row(out, "formats") == "abstract-lines ×1, not loaded ×1"
    assert f"{tmp_path}/bad.bin: not a text file (binary data); skipped" in out
    assert "\x1b" not in out and "evil\\x1b]52;c;eA==\\x07" in out


def test_the_library_and_the_fetch_sources(capsys, environment, data_dir, tmp_path):
    environment.setenv("PAPERTUI_CONFIG", str(tmp_path / "config.toml"))
    assert row(run_doctor(capsys), "sources").startswith("no config file")
    assert "nothing fetched yet" in row(run_doctor(capsys), "library")
    (tmp_path / "config.toml").write_text('hf = 2\narxiv = ["cs.CL", "cs.LG"]\noai = 5\n')
    assert row(run_doctor(capsys), "sources") == "Hugging Face, 2 days, arXiv RSS cs.CL+cs.LG"
    assert row(run_doctor(capsys), "ignored") == "oai = 5: give a set name, as \"cs\"; ignored"
    (data_dir / "library" / "hf").mkdir(parents=True)
    (data_dir / "library" / "hf" / "2024-10-21.jsonl").write_text('{"id": "2410.00001", "title": "a"}\n{"id": "2410.00002", "title": "b"}\n')
    assert row(run_doctor(capsys), "library").endswith(": 1 files, 2 papers fetched")
    environment.setenv("PAPERTUI_HF_API", "http://127.0.0.1:8000")
    assert row(run_doctor(capsys), "hf api") == "http://127.0.0.1:8000"


def test_the_pdf_section_names_the_library_and_the_viewer(capsys, environment, tmp_path):
    out = run_doctor(capsys)
    assert "none yet" in row(out, "library", "PDFs")
    assert row(out, "opens with", "PDFs").startswith("nothing: the path is shown and copied (no display")
    viewer = tmp_path / "viewer"
    viewer.write_text("#!/bin/sh\n")
    viewer.chmod(0o755)
    environment.setenv("PAPERTUI_PDF_VIEWER", f"{viewer} %s")
    from papertui.pdfs.store import PdfStore

    PdfStore().root.mkdir(parents=True)
    (PdfStore().root / "1706.03762.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 2000)
    out = run_doctor(capsys)
    assert row(out, "library", "PDFs").endswith(": 1 PDF, 2.0 KB, 0 with full text")
    assert row(out, "opens with", "PDFs") == f"$PAPERTUI_PDF_VIEWER ({viewer})"

"""Files papertui opens by name, as a careless user leaves them: a FIFO where the config
is, a config nested 100,000 deep or holding a 5,000-digit number. One line each, never a
hang or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from papertui.settings import read_settings
from papertui.sources.config import fetch_plan, read_config
from terminal import Terminal

DEADLINE = 20  # seconds: generous; a FIFO that is waited on blocks for ever

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")


@pytest.fixture
def fifo_config(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    os.mkfifo(path)
    monkeypatch.setenv("PAPERTUI_CONFIG", str(path))
    return path


def papertui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "papertui", *args],
        capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL,
    )  # fmt: skip


@fifo_only
def test_fetch_with_a_fifo_for_config_says_so_in_one_line_and_does_not_hang(fifo_config):
    done = papertui("fetch")
    assert done.returncode == 2, done.stderr
    warning = f"papertui: warning: cannot read the config file {fifo_config}: it is a named pipe (FIFO), not a file; its settings are ignored"
    assert done.stderr.splitlines()[0] == warning
    assert "Traceback" not in done.stderr and done.stdout == ""


@fifo_only
def test_doctor_with_a_fifo_for_config_says_so_and_does_not_hang(fifo_config, tmp_path):
    done = papertui("doctor", "--no-library", str(tmp_path / "nothing"))
    assert done.returncode == 0, done.stderr
    assert f"  sources     cannot read the config file {fifo_config}: it is a named pipe (FIFO), not a file" in done.stdout
    assert "Traceback" not in done.stderr


@fifo_only
def test_the_app_with_a_fifo_for_config_draws_and_quits(fifo_config, seeds_dir):
    terminal = Terminal(str(seeds_dir))
    try:
        assert terminal.wait_for_output(b"321", timeout=DEADLINE), terminal.output[-2000:]
        terminal.send(b"\x11")  # Ctrl+Q
        assert terminal.exited_within(10), terminal.output[-2000:]
        assert terminal.status == 0
        assert b"Traceback" not in terminal.output
    finally:
        terminal.close()


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{a = " * 100_000 + "1" + "}" * 100_000,
        "[" + ".".join(["a"] * 100_000) + "]\nb = 1\n",  # tomllib takes minutes and gigabytes over this
        ".".join(['"a"'] * 100_000) + " = 1\n",
        "a = [\n" + "[\n" * 100_000 + "]\n" * 100_001,
    ],
    ids=["arrays", "inline-tables", "table-header", "dotted-key", "arrays-over-lines"],
)
def test_a_config_nested_100000_deep_is_one_line_at_once(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    config, problem = read_config(path)
    assert config == {}
    assert problem == f"the config file {path} nests deeper than 64 levels; its settings are ignored"


def test_depth_is_measured_outside_strings_and_comments(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[fetch]\narxiv = ["cs.CL"]  # ' + "[" * 500 + "\n"
        'note = "' + "[{." * 300 + '"\n'
        "long = '''\n" + "[" * 500 + "\n'''\n"
        "floats = [" + ", ".join(["1.5"] * 200) + "]\n"
    )
    config, problem = read_config(path)
    assert problem is None and config["fetch"]["arxiv"] == ["cs.CL"] and len(config["fetch"]["floats"]) == 200


def test_a_5000_digit_number_in_the_config_is_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[fetch]\nhf = " + "9" * 5000 + "\n")
    config, problem = read_config(path)
    assert config == {} and problem is not None and "\n" not in problem
    assert problem.startswith(f"the config file {path} is not valid TOML (") and len(problem) < 400


def test_a_huge_hex_number_or_list_is_named_not_printed(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[fetch]\nhf = 0x" + "f" * 50_000 + "\narxiv = [" + ", ".join(["1"] * 10_000) + "]\n")
    config, problem = read_config(path)
    assert problem is None
    plan = fetch_plan(config)
    assert plan.problems == [
        "hf = a number of 200,000 bits: give true or a number of days (1 to 366); ignored",
        'arxiv = a list of 10,000 items: give a list of categories, as ["cs.CL", "cs.LG"]; ignored',
    ]
    settings_path = tmp_path / "app.toml"
    settings_path.write_text("[app]\ndetail_width = 0x" + "f" * 50_000 + '\n[keys]\n"a\\u001b[2J" = 5\n')
    settings = read_settings(["gruvbox"], settings_path)
    assert settings.problems[0] == f"{settings_path}: detail_width = a number of 200,000 bits: give columns, 30 to 400; ignored"
    assert "\x1b" not in settings.problems[1] and "'a\\x1b[2J' = 5" in settings.problems[1]


def test_invalid_utf8_in_the_config_is_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'[fetch]\narxiv = ["cs.CL\xff"]\n')
    assert read_config(path) == ({}, f"the config file {path} is not UTF-8 (line 2); its settings are ignored")


def test_a_config_over_a_megabyte_is_refused_in_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# " + "x" * (1 << 20) + "\n")
    assert read_config(path) == ({}, f"cannot read the config file {path}: it is larger than 1,048,576 bytes; its settings are ignored")


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
def test_the_depth_check_costs_a_pass_not_a_parse():
    """Measured as a ratio: 8 times the text takes about 8 times as long (not 64)."""
    from papertui.storage.nesting import toml_too_deep

    def took(n: int) -> float:
        text = "a = [" + '"x.y", ' * n + "]\n" + "[t]\nk = 1.5\n" * n
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            toml_too_deep(text, 64)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = took(20_000), took(160_000)
    assert large / small < 24, (small, large)


@pytest.mark.parametrize(
    "text, error",
    [
        ("٣", "not a whole number: '٣'"),
        ("1_000", "not a whole number: '1_000'"),
        ("9" * 5000, "too large: give at most 12 digits"),
        ("x" * 5000, "not a whole number: '" + "x" * 40 + "'…"),
        ("-3", "must be 0 or more: -3"),
    ],
    ids=["arabic-indic-digit", "underscores", "5000-digits", "5000-letters", "negative"],
)
def test_a_count_on_the_command_line_is_ascii_digits_in_one_short_line(text, error):
    import argparse

    from papertui.cli.common import count

    with pytest.raises(argparse.ArgumentTypeError) as raised:
        count(text)
    assert str(raised.value) == error
    assert count(" 007 ") == 7 and count("0") == 0 and count("-0") == 0
    assert count("0" * 5000 + "1") == 1 and count("-" + "0" * 5000) == 0  # int() alone refuses 4,301 digits

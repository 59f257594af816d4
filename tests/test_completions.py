"""`papertui completions bash|zsh|fish`: the scripts are valid, complete what `--help` says, and
offer saved search names as text (never expanded by the shell)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papertui.cli import COMMANDS
from papertui.cli import completions
from papertui.command_line import UsageError
from papertui.search.orders import SORT_ORDERS

BASH = shutil.which("bash")


def script(shell: str) -> str:
    out = io.StringIO()
    assert completions.main([shell], out, io.StringIO()) == 0
    return out.getvalue()


def test_every_command_has_a_parser_to_complete_from():
    for name in ["", *COMMANDS]:
        assert completions.parser_of(name) is not None, f"{name or 'the browser'}: add it to completions.PARSERS"


def _help_options(name: str) -> set[str]:
    """The option strings `papertui NAME --help` prints."""
    out = io.StringIO()
    with pytest.raises(SystemExit):
        parser = completions.parser_of(name)()
        parser.print_help(out)
        parser.exit()
    text = out.getvalue()
    section = text[text.index("options:") :].split("\n\n")[0]  # not the epilog's examples
    return set(re.findall(r"(?:^|[\s,])(--?[A-Za-z][\w-]*)", section))


@pytest.mark.parametrize("name", ["", *sorted(completions.PARSERS.keys() - {""})])
def test_the_options_completed_are_those_help_shows(name):
    (command,) = [c for c in completions.commands() if c.name == name]
    completed = {n for option in command.options for n in option.names}
    assert completed == _help_options(name)


def test_formats_sorts_and_sources_come_from_the_parsers():
    found = {c.name: c for c in completions.commands()}
    options = {n: o for o in found["list"].options for n in o.names}
    assert options["--sort"].choices == SORT_ORDERS
    assert "bibtex" in options["--format"].choices and "jsonl" in options["--format"].choices
    assert options["--saved"].saved_search and options["--saved"].takes_value
    assert found["fetch"].choices == ("hf", "arxiv", "oai", "s2")
    assert found["list"].paths and not found["download"].paths


def test_no_shell_is_a_usage_error():
    with pytest.raises(UsageError):
        completions.main([], io.StringIO(), io.StringIO())


# --- bash, driven as it completes ---------------------------------------------------------------


@pytest.fixture
def shim(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    """A `papertui` on PATH that runs this checkout's completions command, with saved searches
    (one named to run a command if the shell ever expanded it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    saved = {"graph kernels": "graph kernels", "$(touch PWNED)": "x", "`touch PWNED2`": "y", "gnn": "gnn"}
    (data_dir / "settings.json").write_text(json.dumps({"saved": saved}), encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "papertui"
    program.write_text(
        f"#!/bin/sh\nshift\nexec {sys.executable} -c "
        "'import sys; from papertui.cli.completions import main; sys.exit(main(sys.argv[1:], sys.stdout, sys.stderr))' \"$@\"\n"
    )
    program.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PAPERTUI_DATA_DIR": str(data_dir)}


def complete(text: str, cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    """What bash offers for `text` (the cursor at its end), as the shell's TAB would."""
    path = cwd.parent / f"{cwd.name}.papertui.bash"  # beside the directory completed in, not in it
    path.write_text(script("bash"))
    driver = (
        f"source {path}\n"
        'read -ra COMP_WORDS <<< "$LINE"\n'
        '[[ "$LINE" == *" " ]] && COMP_WORDS+=("")\n'
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        "_papertui\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    result = subprocess.run([BASH, "-c", driver], cwd=cwd, env={**(env or os.environ), "LINE": text}, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


@needs_bash
def test_the_bash_script_is_valid(tmp_path):
    path = tmp_path / "papertui.bash"
    path.write_text(script("bash"))
    result = subprocess.run([BASH, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@needs_bash
def test_bash_completes_subcommands_options_and_values(tmp_path):
    assert complete("papertui li", tmp_path) == ["list"]
    assert set(complete("papertui ", tmp_path)) >= set(COMMANDS)
    assert complete("papertui list --for", tmp_path) == ["--format"]
    assert complete("papertui list --format j", tmp_path) == ["json", "jsonl"]
    assert complete("papertui list -s ", tmp_path) == list(SORT_ORDERS)
    assert complete("papertui fetch ", tmp_path) == ["hf", "arxiv", "oai", "s2"]
    assert complete("papertui --print-format bib", tmp_path) == ["bibtex"]
    assert complete("papertui fetch --metadata arXivR", tmp_path) == ["arXivRaw"]
    assert complete("papertui mark 2406.16845 --st", tmp_path) == ["--star"]
    assert complete("papertui list --query ", tmp_path) == []  # a value to type, not a file


@needs_bash
def test_bash_completes_paths_where_a_command_reads_them(tmp_path):
    (tmp_path / "papers.ris").write_text("TY  - JOUR\n")
    assert complete("papertui list pap", tmp_path) == ["papers.ris"]
    assert complete("papertui pap", tmp_path) == ["papers.ris"]
    assert complete("papertui download pap", tmp_path) == []  # ids, not files


@needs_bash
def test_bash_offers_saved_searches_as_text_never_expanded(tmp_path, shim):
    assert sorted(complete("papertui list --saved g", tmp_path, shim)) == ["gnn", "graph\\ kernels"]
    offered = complete("papertui list --saved ", tmp_path, shim)
    assert "\\$\\(touch\\ PWNED\\)" in offered and len(offered) == 4
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()


def test_saved_search_names_with_control_characters_are_left_out(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    saved = {"good one": "a", "two\nlines": "b", "bell\x07": "c"}
    (data_dir / "settings.json").write_text(json.dumps({"saved": saved}), encoding="utf-8")
    out = io.StringIO()
    assert completions.main(["--saved-searches"], out, io.StringIO()) == 0
    assert out.getvalue().splitlines() == ["good one", "bell"]  # the settings drop controls; a newline stays out


# --- zsh and fish: parsed by the shell when it is there, else checked for shape ------------------


def test_the_zsh_script(tmp_path):
    text = script("zsh")
    assert text.startswith("#compdef papertui\n")
    assert "compdef _papertui papertui" in text
    for command in COMMANDS:
        assert f"'{command}:" in text
    assert "'relevance' 'corpus' 'title'" in text  # the sort orders
    assert text.count("{") == text.count("}") and text.count("case ") == text.count("esac")
    if shutil.which("zsh"):
        path = tmp_path / "_papertui"
        path.write_text(text)
        result = subprocess.run([shutil.which("zsh"), "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        # Driven with the completion system's functions stubbed to print what they are given
        # (zsh itself filters them by what is typed).
        assert complete_zsh(path, "papertui li")[0].startswith("list:Print the matching papers")
        assert complete_zsh(path, "papertui list --format j") == list(found_formats())
        assert complete_zsh(path, "papertui list -s ") == list(SORT_ORDERS)
        assert complete_zsh(path, "papertui fetch ") == ["hf", "arxiv", "oai", "s2"]
        assert complete_zsh(path, "papertui list --query ") == ["<message a value>"]
        assert "<files>" in complete_zsh(path, "papertui list pap") and "<files>" not in complete_zsh(path, "papertui download 24")


ZSH_STUBS = """
compdef() { :; }
compadd() { local a; for a in "$@"; do [[ $a == -- || $a == -a ]] || print -r -- "$a"; done; }
_describe() { local name=$4; print -rl -- "${(@P)name}"; }
_files() { print -r -- "<files>"; }
_message() { print -r -- "<message $*>"; }
"""


def complete_zsh(path: Path, line: str) -> list[str]:
    driver = ZSH_STUBS + f"source {path}\n" + 'words=("${(@z)LINE}"); [[ $LINE == *" " ]] && words+=(""); CURRENT=${#words}; _papertui\n'
    result = subprocess.run([shutil.which("zsh"), "-f", "-c", driver], env={**os.environ, "LINE": line}, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def found_formats() -> tuple[str, ...]:
    (command,) = [c for c in completions.commands() if c.name == "list"]
    return next(o.choices for o in command.options if "--format" in o.names)


def test_the_fish_script(tmp_path):
    text = script("fish")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all(line.startswith("complete -c papertui ") for line in lines)
    for command in COMMANDS:
        assert f"-n '__fish_use_subcommand' -a {command} " in text
    assert "-l format -s f" in text or "-s f -l format" in text
    assert f"-x -a '{' '.join(SORT_ORDERS)}'" in text
    assert "-l saved -x -a '(papertui completions --saved-searches 2>/dev/null)'" in text
    for line in lines:  # every quote closed: an even number of unescaped single quotes
        assert len(re.findall(r"(?<!\\)'", line)) % 2 == 0, line
    if shutil.which("fish"):
        path = tmp_path / "papertui.fish"
        path.write_text(text)
        result = subprocess.run([shutil.which("fish"), "--no-execute", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

        def complete_fish(line: str) -> list[str]:
            done = subprocess.run(
                [shutil.which("fish"), "--no-config", "-c", f"source {path}; complete -C $LINE"], cwd=tmp_path,
                env={**os.environ, "LINE": line}, capture_output=True, text=True, timeout=20,
            )
            assert done.returncode == 0, done.stderr
            return [candidate.split("\t")[0] for candidate in done.stdout.splitlines()]

        assert complete_fish("papertui li") == ["list"]
        assert complete_fish("papertui list --format j") == ["json", "jsonl"]
        assert sorted(complete_fish("papertui list --sort ")) == sorted(SORT_ORDERS)
        assert complete_fish("papertui list --fo") == ["--format"]

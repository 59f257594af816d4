"""CI runs what the README tells a newcomer to run: the same install line, the same test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_test_line() -> str:
    """The command under "Set up and run the tests:" in the README's Quick start."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"Set up and run the tests:\n\n```sh\n([^\n]+)\n```", readme)
    assert found, "the README's Quick start no longer has its 'Set up and run the tests:' block"
    return found.group(1)


def test_ci_runs_the_readme_test_command_in_parallel():
    line = readme_test_line()
    assert line.startswith("python3 -m venv .venv && .venv/bin/pip install '.[test]' && ")
    assert " -m pytest -n auto" in line  # every core (pytest-xdist): the suite is minutes long serially
    commands = [row for row in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if row and not row.startswith("#")]
    assert line in commands, f".ci/run does not run the README's line {line!r}: {commands}"


def test_the_contributing_section_runs_the_whole_suite_the_same_way():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme_test_line().rsplit(" && ", 1)[1]
    contributing = readme.split("## Contributing", 1)[1].split("\n## ", 1)[0]
    assert f"\n{command} " in contributing, f"the Contributing section does not run the whole suite as {command!r}"

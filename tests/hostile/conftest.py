"""The hostile corpus, written once per session (it holds a 50 MB line)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hostile.corpus import write_corpus
from papertui.corpus import loader


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(autouse=True)
def unreadable_stays_unreadable(monkeypatch):
    """The file's mode is 000, which root (as in CI containers) reads anyway: refuse it here."""
    real_open = loader.open_input

    def refusing_open(path: Path):
        if path.name == "unreadable.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path)

    monkeypatch.setattr(loader, "open_input", refusing_open)

"""Loading for the commands that print instead of browsing: from the cache when it is up to
date, reading only the files that changed when it is not, with progress and warnings on stderr."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence, TextIO

from papertui.cli.common import resolve_paths
from papertui.corpus import Corpus
from papertui.loading import Load
from papertui.resolve import ResolveCache, apply_cached
from papertui.search import SearchIndex
from papertui.marks.store import MarkStore
from papertui.terminal_progress import PROG, ProgressLine, gigabytes


def load(
    paths: Sequence[Path], stderr: TextIO, *, indexed: bool = False, with_library: bool = True, with_zotero: bool = True
) -> tuple[Corpus, SearchIndex | None]:
    """Load for a non-interactive command: progress on stderr when it is a terminal, then
    every warning on stderr. With `indexed`, papers are indexed for search as they load."""
    resolved, display_root = resolve_paths(paths, with_library, with_zotero)
    meter = ProgressLine(stderr)
    note = None
    step = None
    started = time.monotonic()
    try:
        for step in Load(resolved, display_root).steps(index=indexed):
            read = step.progress
            if not step.done and read.bytes_total:  # a bar of the bytes read, with the time left
                meter.bar(step.describe(), read.bytes_done, read.bytes_total, started, gigabytes)
            else:
                meter.show(step.describe())
            note = step.note or note
    finally:  # also on Ctrl+C, so that "interrupted" starts a clean line
        meter.clear()
    assert step is not None  # a load always reports at least once
    corpus, index = step.corpus, (step.index if indexed or step.cached else None)
    if note:
        print(f"{PROG}: note: {note}", file=stderr)
    for warning in corpus.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    cache = ResolveCache.open()
    for warning in cache.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    apply_cached(corpus.papers, cache)
    return corpus, index


def open_marks(stderr: TextIO) -> MarkStore:
    marks = MarkStore.open()
    for warning in marks.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    return marks

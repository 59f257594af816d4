"""Loading for the commands that print instead of browsing: from the cache when it is up to
date, reading only the files that changed when it is not, with progress and warnings on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence, TextIO

from papertui.cache import inputs_of
from papertui.cli.common import resolve_paths
from papertui.corpus import Corpus, iter_load
from papertui.loading import kept_again, load_and_index, open_cached, open_updated
from papertui.resolve import ResolveCache, apply_cached
from papertui.search import SearchIndex
from papertui.marks.store import MarkStore
from papertui.terminal_progress import PROG, ProgressLine


def load(
    paths: Sequence[Path], stderr: TextIO, *, indexed: bool = False, with_library: bool = True, with_zotero: bool = True
) -> tuple[Corpus, SearchIndex | None]:
    """Load for a non-interactive command: progress on stderr when it is a terminal, then
    every warning on stderr. With `indexed`, papers are indexed for search as they load."""
    resolved, display_root = resolve_paths(paths, with_library, with_zotero)
    meter = ProgressLine(stderr)
    inputs = None if indexed else inputs_of(resolved, display_root)
    cached, note = (None, None) if indexed else open_cached(inputs)
    try:
        if cached is not None:
            corpus, index = cached.corpus, cached.index
        elif indexed:
            step = None
            for step in load_and_index(resolved, display_root=display_root):
                meter.show(step.describe())
                if step.note:
                    note = step.note
            assert step is not None  # load_and_index always reports at least once
            corpus, index = step.corpus, step.index
        else:
            updated, why = (None, None) if note else open_updated(inputs, resolved, display_root)
            note = note or why
            if updated is not None:  # only the files that changed are read
                corpus, index = updated.corpus, None
                for step in kept_again(inputs, updated):
                    meter.show(step.describe())
                    note = step.note or note
            else:
                corpus, index = Corpus(), None
                for progress in iter_load(resolved, display_root=display_root, corpus=corpus):
                    meter.show(f"{progress.files_done:,}/{progress.files_total:,} files · {progress.papers_loaded:,} papers")
    finally:  # also on Ctrl+C, so that "interrupted" starts a clean line
        meter.clear()
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

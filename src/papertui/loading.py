"""Loading and indexing together, step by step: what the app's loader and the CLI both run.

Papers are indexed in batches as they load, so a search covers most of what has loaded
while the rest is still on its way. Batches grow with the index (small ones first, for a
quick start; 32,768 papers once the corpus is large), which keeps the segments few.

When the inputs have not changed since the last load, both come from the cache instead
(`papertui.cache`): one step, at once. When some files changed, the kept load is brought up to
date by reading only those: one step too, in a second or two at a million papers. After a
full load or an update, the result is written there.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from papertui.cache import Inputs, inputs_of, open_snapshot, save_snapshot
from papertui.cache.snapshot import open_previous
from papertui.cache.update import update
from papertui.corpus import Corpus, LoadProgress, iter_load
from papertui.corpus.loader import DisplayRoot
from papertui.search import SearchIndex

FIRST_BATCH = 2048
LARGEST_BATCH = 32768


@dataclass(frozen=True)
class LoadStep:
    progress: LoadProgress
    index: SearchIndex
    indexed: int  # papers the index covers
    indexing: bool = False  # True just before a batch is indexed: that takes a moment
    cached: bool = False  # the corpus and index came from the cache
    updated: str | None = None  # the cache brought up to date: what was read again (one line)
    note: str | None = None  # one line about the cache for the user
    # After the load was done: the corpus is being kept in the cache (`saving`), or has been
    # (a problem is in `note`). Nothing else is news.
    after_done: bool = False
    saving: bool = False

    @property
    def corpus(self) -> Corpus:
        return self.progress.corpus

    @property
    def done(self) -> bool:
        return self.progress.done and self.indexed == self.progress.papers_loaded and not self.indexing

    def describe(self) -> str:
        """One line for a status bar or stderr."""
        p = self.progress
        if self.saving:
            return f"{p.papers_loaded:,} papers · keeping them in the cache for the next start…"
        if self.done and p.stopped:
            return f"{p.papers_loaded:,} papers from {p.files_done:,} of {p.files_total:,} files (loading stopped)"
        if self.done and self.updated:
            return f"{p.papers_loaded:,} papers from {p.files_total:,} files ({self.updated})"
        if self.done:
            return f"{p.papers_loaded:,} papers from {p.files_total:,} files"
        files = f"{p.files_done:,}/{p.files_total:,} files"
        if self.indexing:
            return f"{files} · indexing {self.indexed + 1:,}–{p.papers_loaded:,}"
        return f"{files} · {self.indexed:,} searchable"


def open_cached(inputs: Inputs | None) -> tuple[LoadStep | None, str | None]:
    """The whole load from the cache, as one finished step; or None and why (None: no
    snapshot for these inputs yet, or they changed)."""
    opened = open_snapshot(inputs)
    if opened.corpus is None or opened.index is None:
        return None, opened.note
    corpus = opened.corpus
    count, files = len(corpus.papers), len(corpus.files)
    return LoadStep(LoadProgress(corpus, count, files, files, 0, 0), opened.index, count, cached=True), None


def open_updated(
    inputs: Inputs | None, paths: list[Path], display_root: DisplayRoot = None, stop: Callable[[], bool] = lambda: False
) -> tuple[LoadStep | None, str | None]:
    """The kept load of an earlier state of the inputs, brought up to date by reading only
    the files that changed, as one finished step; or None and why (None: there is no such
    load, or reading everything is the better way)."""
    previous, note = open_previous(inputs)
    if previous is None or inputs is None:
        return None, note
    try:
        updated = update(previous, inputs, paths, display_root, stop)
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as error:  # a damaged cache
        return None, f"the cache of these papers could not be brought up to date ({type(error).__name__}: {error}); every file is read again"
    if updated is None:
        return None, None
    corpus = updated.corpus
    count, files = len(corpus.papers), len(corpus.files)
    return LoadStep(LoadProgress(corpus, count, files, files, 0, 0), updated.index, count, cached=True, updated=updated.describe()), None


def kept_again(inputs: Inputs | None, step: LoadStep) -> Iterator[LoadStep]:
    """Keep an updated load in the cache: a step saying so, then the step after it."""
    yield replace(step, after_done=True, saving=True)
    yield replace(step, after_done=True, note=save_snapshot(inputs, step.corpus, step.index))


def load_and_index(
    paths: Iterable[Path], display_root: DisplayRoot = None, stop: Callable[[], bool] = lambda: False
) -> Iterator[LoadStep]:
    """Load and index; `stop()` ends the load early, and what loaded is still indexed."""
    paths = list(paths)
    inputs = inputs_of(paths, display_root)
    cached, note = open_cached(inputs)
    if cached is not None:
        _keep_out_of_collections()
        yield cached
        return
    if note is None:
        updated, note = open_updated(inputs, paths, display_root, stop)
        if updated is not None:
            _keep_out_of_collections()
            yield updated
            yield from kept_again(inputs, updated)
            return
    index = SearchIndex()
    indexed = 0
    changed: list[int] = []
    step = None
    for progress in iter_load(paths, display_root, stop=stop):
        if progress.renumbered:  # papers were joined: index them all again
            index, indexed, changed = SearchIndex(), 0, []
        changed.extend(progress.changed)
        pending = progress.papers_loaded - indexed
        batch = min(LARGEST_BATCH, max(FIRST_BATCH, indexed))
        if (pending and pending >= batch) or (progress.done and (pending or changed)):
            yield LoadStep(progress, index, indexed, indexing=True, note=note)
            note = None
            index.add(progress.corpus.papers, indexed, progress.papers_loaded, changed)
            indexed, changed = progress.papers_loaded, []
        step = LoadStep(progress, index, indexed, note=note)
        note = None
        if step.done:
            _keep_out_of_collections()
        yield step
    if step is None or not step.done:
        return
    index.compact()  # searches keep the batches' segments until the merged ones are ready
    if not step.progress.stopped and inputs is not None:
        yield replace(step, after_done=True, saving=True)
        yield replace(step, after_done=True, note=save_snapshot(inputs, step.corpus, index))


def _keep_out_of_collections() -> None:
    """The papers and the index live as long as the load: the cyclic garbage collector need
    never look at them again. Without this, its full passes over a large corpus's millions
    of objects stop everything for a tenth of a second or more (a keystroke, a page)."""
    gc.freeze()

"""Loading and indexing together, step by step: what the app's loader and the CLI both run.

`Load` is the one owner of a load: it decides between the cache, an update of the cache and a
fresh read, and calls `papertui.cache` (which keeps and reads snapshots, and brings one up to
date) — nothing else does.

A load with a large JSON-lines file (the arXiv snapshot) is read by worker processes straight
into the cache instead (`papertui.bulk`), searchable as each range comes.

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

from papertui.cache import inputs_of, open_snapshot, save_snapshot
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
    unindexed: bool = False  # read for a command that only prints: nothing is indexed


    @property
    def corpus(self) -> Corpus:
        return self.progress.corpus

    @property
    def done(self) -> bool:
        indexed = self.unindexed or self.indexed == self.progress.papers_loaded
        return self.progress.done and indexed and not self.indexing

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
        if self.unindexed:
            return f"{files} · {p.papers_loaded:,} papers"
        if self.indexing:
            return f"{files} · indexing {self.indexed + 1:,}–{p.papers_loaded:,}"
        return f"{files} · {self.indexed:,} searchable"


class Load:
    """One load of `paths`, and the one place that decides how it is done: from the cache
    when the inputs are as they were kept; by reading only the files that changed when a
    kept load of their earlier state is there; else by reading every file, indexing as it
    goes (`index`), and keeping the result for the next start. `steps()` is the whole
    interface: the CLI and the app's loader only follow them."""

    def __init__(self, paths: Iterable[Path], display_root: DisplayRoot = None, stop: Callable[[], bool] = lambda: False) -> None:
        self.paths = list(paths)
        self.display_root = display_root
        self.stop = stop  # `stop()` ends a read early; what was read is still indexed
        self.inputs = inputs_of(self.paths, display_root)

    def steps(self, index: bool = True) -> Iterator[LoadStep]:
        """The load, step by step. Without `index`, a fresh read is neither indexed nor kept
        (a command that only prints: its steps' index stays empty) — unless it holds a large
        JSON-lines file, which is read straight into the cache either way (`bulk.read`): that
        costs less time and memory than reading it into memory."""
        cached, note = self._cached()
        if cached is not None:
            _keep_out_of_collections()
            yield cached
            return
        if note is None:
            updated, note = self._updated()
            if updated is not None:
                _keep_out_of_collections()
                yield updated
                yield replace(updated, after_done=True, saving=True)
                yield replace(updated, after_done=True, note=save_snapshot(self.inputs, updated.corpus, updated.index))
                return
        keep, moved = True, False
        if self.inputs is not None:  # indexed or not: this read costs less than either usual one
            from papertui.bulk.read import FirstRead, room_wanted, wanted
            from papertui.cache.snapshot import Building

            if wanted(self.inputs):  # a large JSON-lines file: read by workers straight into the cache
                building, problem = Building.begin(self.inputs)
                problem = problem or (room_wanted(self.inputs, building.where) if building else None)
                if building is not None and problem is None:
                    try:
                        yield from FirstRead(self.paths, self.display_root, self.stop, self.inputs, building).steps()
                        return
                    except OSError as error:  # the disk filled, the file was replaced: read as usual
                        problem = f"the papers could not be read into the cache ({error}); they are read into memory instead"
                        moved = True  # the papers shown so far go: the usual read starts from none
                elif building is not None:
                    building.abandon()
                keep = problem is None  # the cache said no once: it is not asked again at the end
                note = note or problem
        steps = self._read_and_index(note, keep) if index else self._read(note)
        yield from (_first_renumbered(steps) if moved else steps)

    def _cached(self) -> tuple[LoadStep | None, str | None]:
        """The whole load from the cache, as one finished step; or None and why (None: no
        snapshot for these inputs yet, or they changed)."""
        opened = open_snapshot(self.inputs)
        if opened.corpus is None or opened.index is None:
            return None, opened.note
        return _finished(opened.corpus, opened.index), None

    def _updated(self) -> tuple[LoadStep | None, str | None]:
        """The kept load of an earlier state of the inputs, brought up to date by reading only
        the files that changed, as one finished step; or None and why (None: there is no such
        load, or reading everything is the better way)."""
        previous, note = open_previous(self.inputs)
        if previous is None or self.inputs is None:
            return None, note
        try:
            updated = update(previous, self.inputs, self.paths, self.display_root, self.stop)
        except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as error:  # a damaged cache
            return None, f"the cache of these papers could not be brought up to date ({type(error).__name__}: {error}); every file is read again"
        if updated is None:
            return None, None
        return replace(_finished(updated.corpus, updated.index), updated=updated.describe()), None

    def _read(self, note: str | None) -> Iterator[LoadStep]:
        """Every file read, nothing indexed or kept."""
        index = SearchIndex()
        for progress in iter_load(self.paths, self.display_root, stop=self.stop):
            yield LoadStep(progress, index, 0, note=note, unindexed=True)
            note = None

    def _read_and_index(self, note: str | None, keep: bool = True) -> Iterator[LoadStep]:
        """Every file read and indexed in batches as it loads, then kept in the cache (`keep`)."""
        index = SearchIndex()
        indexed = 0
        changed: list[int] = []
        step = None
        for progress in iter_load(self.paths, self.display_root, stop=self.stop):
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
        if keep and not step.progress.stopped and self.inputs is not None:
            yield replace(step, after_done=True, saving=True)
            yield replace(step, after_done=True, note=save_snapshot(self.inputs, step.corpus, index))


def load_and_index(
    paths: Iterable[Path], display_root: DisplayRoot = None, stop: Callable[[], bool] = lambda: False
) -> Iterator[LoadStep]:
    """Load and index (`Load.steps`); `stop()` ends the load early, and what loaded is still indexed."""
    return Load(paths, display_root, stop).steps()


def _first_renumbered(steps: Iterator[LoadStep]) -> Iterator[LoadStep]:
    """`steps`, the first saying that the papers shown before it are gone (`renumbered`)."""
    first = True
    for step in steps:
        yield replace(step, progress=replace(step.progress, renumbered=True)) if first else step
        first = False


def _finished(corpus: Corpus, index: SearchIndex) -> LoadStep:
    """A load that came whole (from the cache, or brought up to date), as one finished step."""
    count, files = len(corpus.papers), len(corpus.files)
    return LoadStep(LoadProgress(corpus, count, files, files, 0, 0), index, count, cached=True)


def _keep_out_of_collections() -> None:
    """The papers and the index live as long as the load: the cyclic garbage collector need
    never look at them again. Without this, its full passes over a large corpus's millions
    of objects stop everything for a tenth of a second or more (a keystroke, a page)."""
    gc.freeze()

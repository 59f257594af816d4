"""The loaded corpus and its index, kept on disk so that a restart rebuilds nothing.

One snapshot per set of inputs, under `CACHE_DIR/corpus/` (the platform's cache directory,
or `$PAPERTUI_CACHE_DIR`). A snapshot is used only when every input file has the path, size
and modification time it had when the snapshot was written, and papertui's version and the
snapshot format are the same. When files changed, the snapshot of the same inputs' earlier
state is brought up to date instead (`update.py`, from what `merge_state.py` keeps), or,
failing that, the inputs are read as usual; either way a new snapshot replaces the old one. What is on disk is never trusted: a snapshot that cannot be read, or
whose arrays do not fit together, is deleted and rebuilt, with one line saying so.

Writing goes to a temporary directory renamed into place at the end, so a reader sees a
whole snapshot or none, and two processes building the same one at once both finish: the
first rename wins and the other's copy is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from papertui import __version__
from papertui.cache.merge_state import MergeState, merge_state_arrays
from papertui.packed_arrays import read_pack, write_pack
from papertui.corpus.loader import STDIN, DisplayRoot, discover_files, unreadable
from papertui.corpus.model import Corpus
from papertui.corpus.stored import paper_columns, stored_corpus
from papertui.search.index import SearchIndex
from papertui.search.stored import check_parts, index_parts, restore_index

CACHE_DIR_VARIABLE = "PAPERTUI_CACHE_DIR"
FORMAT = 3  # bumped whenever what a snapshot holds changes shape
KEPT = 8  # snapshots of different inputs kept; the least recently used go first
PACK, META = "arrays.bin", "meta.json"
STALE_TEMP = 3600  # seconds: a temporary directory this old was left by a killed process


def cache_dir() -> Path:
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("papertui", appauthor=False))


def snapshots_dir() -> Path:
    return cache_dir() / "corpus"


@dataclass(frozen=True)
class Inputs:
    """What a snapshot is good for: the inputs named, and each file's state."""

    named: str  # a hash of the paths given: one snapshot directory per set of inputs
    files: tuple  # (path, size, mtime in ns) or (path, why it cannot be read), in load order

    @property
    def key(self) -> dict[str, Any]:
        return {"version": __version__, "format": FORMAT, "files": [list(f) for f in self.files]}

    @property
    def directory_name(self) -> str:
        state = hashlib.sha256(json.dumps(self.key, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
        return f"{self.named}-{state[:16]}"


def inputs_of(paths: Iterable[Path], display_root: DisplayRoot = None) -> Inputs | None:
    """The state of every file `paths` loads; None when standard input is among them."""
    paths = list(paths)
    roots = [display_root] if isinstance(display_root, Path) else list(display_root or [])
    named = json.dumps([str(p.absolute()) for p in paths] + ["|"] + [str(r) for r in roots], ensure_ascii=False)
    files = []
    for path, problem in discover_files(paths):
        if path == STDIN:
            return None  # read once, never the same twice
        files.append(_file_state(str(path.absolute()), problem))
    digest = hashlib.sha256(named.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Inputs(digest, tuple(files))


@dataclass(frozen=True)
class Opened:
    corpus: Corpus | None = None
    index: SearchIndex | None = None
    note: str | None = None  # one line for the user: why the snapshot was not used
    key: Any = None
    merge_state: MergeState | None = None


def open_snapshot(inputs: Inputs | None) -> Opened:
    """The corpus and index kept for `inputs`, or why there are none."""
    if inputs is None:
        return Opened()
    where = snapshots_dir() / inputs.directory_name
    if not where.is_dir():
        return Opened()
    return _read_snapshot(where, lambda key: key == inputs.key)


@dataclass(frozen=True)
class Previous:
    """The snapshot of an earlier state of the same inputs: what an update starts from."""

    corpus: Corpus
    index: SearchIndex
    merge_state: MergeState
    files: tuple  # the files' states it was written for, as in `Inputs.files`


def open_previous(inputs: Inputs | None) -> tuple[Previous | None, str | None]:
    """The snapshot kept for an earlier state of `inputs` (same paths, same papertui), if any;
    and a line for the user when one was there but could not be used."""
    if inputs is None:
        return None, None
    try:
        candidates = [entry for entry in snapshots_dir().iterdir() if entry.name.startswith(inputs.named + "-")]
    except OSError:
        return None, None
    for where in candidates:
        if where.name == inputs.directory_name or not where.is_dir():
            continue

        def same_papertui(key: Any) -> bool:
            return isinstance(key, dict) and key.get("version") == __version__ and key.get("format") == FORMAT

        opened = _read_snapshot(where, same_papertui, keep_state=True)
        if opened.corpus is None or opened.index is None or opened.merge_state is None:
            return None, opened.note
        files = tuple(tuple(entry) for entry in opened.key["files"])
        return Previous(opened.corpus, opened.index, opened.merge_state, files), None
    return None, None


def _read_snapshot(where: Path, fits: Callable[[Any], bool], keep_state: bool = False) -> Opened:
    """The snapshot in `where` if its key `fits`; a damaged one is deleted, with a note."""
    try:
        meta = json.loads((where / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or not fits(meta.get("key")):
            if keep_state:
                return Opened()  # an older papertui's: replaced when these inputs are saved
            raise ValueError("written for other inputs")
        arrays = read_pack(where / PACK, meta["pack"])
        corpus = stored_corpus(arrays, meta["papers"])
        check_parts(arrays, meta["index"], len(corpus.papers))
        index = restore_index(arrays, meta["index"], corpus.papers)
        state = MergeState(arrays, len(corpus.papers), len(corpus.files)) if keep_state else None
        if keep_state and len(meta["key"]["files"]) != len(corpus.files):
            raise ValueError("its files do not match its file reports")
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError, RecursionError) as error:
        shutil.rmtree(where, ignore_errors=True)
        return Opened(note=f"the cache of these papers ({where}) could not be used ({type(error).__name__}: {error}); it is being rebuilt")
    try:
        os.utime(where)  # recently used: kept when older ones are pruned
    except OSError:
        pass
    return Opened(corpus, index, key=meta["key"], merge_state=state)


def save_snapshot(inputs: Inputs | None, corpus: Corpus, index: SearchIndex) -> str | None:
    """Keep `corpus` and `index` for `inputs` (when the files did not change while they
    were read); a problem is returned as one line, and nothing half-written stays."""
    if inputs is None or inputs_of_again(inputs) != inputs:
        return None
    root = snapshots_dir()
    final = root / inputs.directory_name
    if final.is_dir():
        return None
    temp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
        paper_arrays, describe_papers = paper_columns(corpus)
        index_arrays, index_description = index_parts(index, corpus.papers)
        pack = write_pack(temp / PACK, {**paper_arrays, **index_arrays, **merge_state_arrays(corpus)})
        meta = {"key": inputs.key, "pack": pack, "papers": describe_papers(), "index": index_description, "written": time.time()}
        with open(temp / META, "w", encoding="utf-8") as file:
            json.dump(meta, file, ensure_ascii=False)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.rename(temp, final)
            temp = None
        except OSError:
            if not final.is_dir():  # not another process's copy that got there first
                raise
    except (OSError, ValueError) as error:
        return f"the papers could not be cached in {root} ({error}); the next start reads them again"
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    _prune(root, inputs)
    return None


def _file_state(where: str, problem: str | None) -> tuple:
    """(path, size, mtime in ns), or (path, why it cannot be read)."""
    if problem is None:
        try:
            state = os.stat(where)
        except OSError as error:
            return (where, str(error))
        return (where, state.st_size, state.st_mtime_ns)
    return (where, problem)


def inputs_of_again(inputs: Inputs) -> Inputs:
    """`inputs` as the files are now (same paths; a file still unreadable keeps its reason)."""

    def now(entry: tuple) -> tuple:
        state = _file_state(entry[0], unreadable(Path(entry[0])))  # a FIFO stays a FIFO
        return entry if len(state) == 2 and len(entry) == 2 else state

    return Inputs(inputs.named, tuple(now(entry) for entry in inputs.files))


def cache_summary(count: int, size: int) -> str:
    """"3 kept loads, 1.2 GB": for `papertui cache` and the doctor."""
    from papertui.pdfs.store import human_size

    return f"{count} kept load{'s' if count != 1 else ''}, {human_size(size)}"


def _prune(root: Path, kept: Inputs) -> None:
    """Drop older snapshots of the same inputs, stale temporary directories, and all but
    the KEPT most recently used snapshots."""
    now = time.time()
    snapshots = []
    for entry in root.iterdir():
        try:
            if entry.name.startswith(".building-"):
                if now - entry.stat().st_mtime > STALE_TEMP:
                    shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(kept.named + "-") and entry.name != kept.directory_name:
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_dir():
                snapshots.append((entry.stat().st_mtime, entry))
        except OSError:
            continue
    for _, entry in sorted(snapshots, reverse=True)[KEPT:]:
        shutil.rmtree(entry, ignore_errors=True)


def cache_size() -> tuple[int, int]:
    """(snapshots, bytes) under the cache directory."""
    root = snapshots_dir()
    count = total = 0
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and not entry.name.startswith("."):
                count += 1
            for file in entry.rglob("*") if entry.is_dir() else [entry]:
                try:
                    total += file.stat().st_size
                except OSError:
                    pass
    return count, total


def clear_cache() -> tuple[int, int]:
    """Delete every snapshot; (snapshots, bytes) freed."""
    count, total = cache_size()
    shutil.rmtree(snapshots_dir(), ignore_errors=True)
    return count, total

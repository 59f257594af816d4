"""The loaded corpus and its index, kept on disk so that a restart rebuilds nothing.

One snapshot per set of inputs, under `CACHE_DIR/corpus/` (the platform's cache directory,
or `$PAPERTUI_CACHE_DIR`). A snapshot is used only when every input file has the path, size
and modification time it had when the snapshot was written, and papertui's version and the
snapshot format are the same. When files changed, the snapshot of the same inputs' earlier
state is brought up to date instead (`update.py`, from what `merge_state.py` keeps), or,
failing that, the inputs are read as usual; either way a new snapshot replaces the old one. What is on disk is never trusted: a snapshot that cannot be read, or
whose arrays do not fit together, is deleted and rebuilt, with one line saying so.

A kept load brought up to date is not written again whole: the new snapshot holds hard
links to the packs of the one it was updated from (a published snapshot is never written
into: a running app may have it mapped) and one pack of what is new — the papers merged
again, the index's new segments and words, the merge state — whose manifest names the
arrays it reuses (`packed_arrays.write_pack`'s `reuse`). So that chains of days stay short
and stale bytes few, the whole load is written again when it would span more than
MAX_PACKS packs or when more than MAX_STALE of their bytes are no longer used; and when a
hard link cannot be made (another filesystem, no links, the old one gone meanwhile).

Writing goes to a temporary directory renamed into place at the end, so a reader sees a
whole snapshot or none, and two processes building the same one at once both finish: the
first rename wins and the other's copy is dropped. Papertui's marker file is written into it
first, so every snapshot it publishes carries it: only what carries it (`entries.py`) is ever
read as a snapshot, pruned or cleared, and links in the cache are never followed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from papertui import __version__
from papertui.cache.entries import BUILDING_PREFIX, META, PACK, Survey, delete, hold, is_ours, mark, read_meta, survey, unusable
from papertui.cache.merge_state import MergeState, merge_state_arrays
from papertui.packed_arrays import PACKS, SIZE, MappedPack, read_pack, write_pack
from papertui.storage.regular_files import check_regular, shown
from papertui.corpus.loader import STDIN, DisplayRoot, discover_files, unreadable
from papertui.corpus.model import Corpus
from papertui.corpus.stored import UpdatedPapers, paper_columns, stored_corpus
from papertui.search.index import SearchIndex
from papertui.search.stored import check_parts, index_parts, restore_index

CACHE_DIR_VARIABLE = "PAPERTUI_CACHE_DIR"
FORMAT = 6  # bumped whenever what a snapshot holds changes shape (5: DOI, venue, Zotero collections, key and PDF; 6: the vocabulary's trigram index)
KEPT = 8  # snapshots of different inputs kept; the least recently used go first
STALE_TEMP = 3600  # seconds: a temporary directory this old was left by a killed process
MAX_PACKS = 8  # packs one snapshot may span (a week of days added); more: written whole again
MAX_STALE = 0.25  # share of a snapshot's bytes no longer used above which it is written whole again


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
    if not is_ours(where):
        return Opened()  # none yet; or not papertui's, which `save_snapshot` says
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
        if where.name == inputs.directory_name or not is_ours(where):
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
    """The snapshot in `where` (papertui's: `is_ours`) if its key `fits`; a damaged one is
    deleted, with a note."""
    try:
        meta = read_meta(where)  # a FIFO or a device in its place is refused, not waited on
        if not isinstance(meta, dict) or not fits(meta.get("key")):
            if keep_state:
                return Opened()  # an older papertui's: replaced when these inputs are saved
            raise ValueError("written for other inputs")
        own = meta.get("pack_file", PACK)
        if not isinstance(own, str) or os.path.basename(own) != own or own in ("", ".", ".."):
            raise ValueError("its pack is not named as a file beside it")
        check_regular(where / own)  # read_pack opens it as it is: a FIFO would wait forever
        arrays = read_pack(where / own, meta["pack"])
        corpus = stored_corpus(arrays, meta["papers"])
        check_parts(arrays, meta["index"], len(corpus.papers))
        index = restore_index(arrays, meta["index"], corpus.papers)
        state = MergeState(arrays, len(corpus.papers), len(corpus.files)) if keep_state else None
        if keep_state and len(meta["key"]["files"]) != len(corpus.files):
            raise ValueError("its files do not match its file reports")
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError, RecursionError) as error:
        delete(where)
        return Opened(note=f"the cache of these papers ({shown(where)}) could not be used ({type(error).__name__}: {error}); it is being rebuilt")
    try:
        os.utime(where, follow_symlinks=False)  # recently used: kept when older ones are pruned
    except OSError:
        pass
    return Opened(corpus, index, key=meta["key"], merge_state=state)


def save_snapshot(inputs: Inputs | None, corpus: Corpus, index: SearchIndex) -> str | None:
    """Keep `corpus` and `index` for `inputs` (when the files did not change while they
    were read); a problem is returned as one line, and nothing half-written stays."""
    if inputs is None or inputs_of_again(inputs) != inputs:
        return None
    building, note = Building.begin(inputs)
    if building is None:
        return note
    try:
        if not _write_additions(building, corpus, index):
            paper_arrays, describe_papers = paper_columns(corpus)
            index_arrays, index_description = index_parts(index, corpus.papers)
            pack = write_pack(building.where / PACK, {**paper_arrays, **index_arrays, **merge_state_arrays(corpus)})
            building.write_meta(pack, describe_papers(), index_description)
    except (OSError, ValueError) as error:
        building.abandon()
        return building.failed(error)
    return building.publish()


def _write_additions(building: Building, corpus: Corpus, index: SearchIndex) -> bool:
    """Write `building` as the snapshot an update came from plus what is new: hard links to
    its packs and one pack of the rest. False, with nothing left in `building`, when the
    whole load should be written instead (not an update; too long a chain; too many stale
    bytes; no hard link possible)."""
    papers = corpus.papers
    if not isinstance(papers, UpdatedPapers) or not papers.stored.columns_kept():
        return False
    packs: tuple[MappedPack, ...] = papers.stored.packs
    if len(packs) >= MAX_PACKS:
        return False
    name = f"arrays-{secrets.token_hex(8)}.bin"  # never the name of a pack it links to
    paper_arrays, describe_papers = paper_columns(corpus, whole=False)
    index_arrays, index_description = index_parts(index, papers, whole=False)
    own = building.where / name
    manifest = write_pack(own, {**paper_arrays, **index_arrays, **merge_state_arrays(corpus)}, reuse=packs)
    linked = [pack for pack in packs if pack.name in manifest.get(PACKS, {})]
    total = manifest[SIZE] + sum(pack.size for pack in linked)
    used = manifest[SIZE] + sum(_used_bytes(manifest).values())
    if total and used < (1 - MAX_STALE) * total or not _linked(linked, building.where):
        for path in [own, *(building.where / pack.name for pack in linked)]:
            path.unlink(missing_ok=True)
        return False
    building.write_meta(manifest, describe_papers(), index_description, pack_file=name)
    return True


def _used_bytes(manifest: dict[str, Any]) -> dict[str, int]:
    """The bytes each pack a manifest reuses gives it (a range given twice counted once)."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for name, entry in manifest.items():
        if not name.startswith("\0") and len(entry) == 4:
            kind, offset, count, pack = entry
            ranges.setdefault(pack, []).append((offset, offset + count * np.dtype(kind).itemsize))
    used = {}
    for pack, spans in ranges.items():
        total, reach = 0, 0
        for start, end in sorted(spans):
            total += max(0, end - max(start, reach))
            reach = max(reach, end)
        used[pack] = total
    return used


def _linked(packs: list[MappedPack], where: Path) -> bool:
    """Hard links in `where` to `packs`, each checked to be the very file that was read
    (another process may have replaced or deleted the snapshot meanwhile); False when one
    cannot be made (another filesystem, a filesystem without links, no permission)."""
    for pack in packs:
        target = where / pack.name
        try:
            os.link(pack.path, target, follow_symlinks=False)
            state = os.lstat(target)
        except (OSError, NotImplementedError):
            return False
        if (state.st_dev, state.st_ino, state.st_size) != (pack.device, pack.inode, pack.size):
            return False
    return True


class Building:
    """A snapshot being written: a marked temporary directory in the cache, renamed into place
    once whole (`publish`), deleted otherwise (`abandon`). A long read may write into it from
    its start (`where`), so that what it reads goes to disk, not memory."""

    def __init__(self, inputs: Inputs, where: Path) -> None:
        self.inputs, self.where = inputs, where
        self._held = hold(where)  # pruning and clearing leave it alone while it is written

    @classmethod
    def begin(cls, inputs: Inputs) -> tuple[Building | None, str | None]:
        """A new build for `inputs`; or None and a line saying why not (None, None: a
        snapshot of these inputs is there already)."""
        root = snapshots_dir()
        final = root / inputs.directory_name
        if is_ours(final):
            return None, None
        if os.path.lexists(final):
            return None, f"the papers could not be cached: {shown(final)} is in the way and papertui did not write it; move it away to keep them for the next start"
        problem = unusable(cache_dir(), root)
        if problem:
            return None, f"the papers could not be cached: {problem}; point ${CACHE_DIR_VARIABLE} at a directory to keep them for the next start"
        temp: Path | None = None
        try:
            root.mkdir(parents=True, exist_ok=True)
            temp = Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=root))
            mark(temp)  # first: a build left by a killed process is papertui's to delete too
            return cls(inputs, temp), None
        except OSError as error:
            if temp is not None:
                delete(temp)
            return None, cls.failed_in(root, error)

    def write_meta(self, pack: dict[str, Any], papers: dict[str, Any], index: dict[str, Any], pack_file: str = PACK) -> None:
        """The meta file, last: `pack` is the manifest of the pack `pack_file` in `where`."""
        meta = {"key": self.inputs.key, "pack": pack, "papers": papers, "index": index, "written": time.time()}
        if pack_file != PACK:
            meta["pack_file"] = pack_file
        with open(self.where / META, "w", encoding="utf-8") as file:
            json.dump(meta, file, ensure_ascii=False)
            file.flush()
            os.fsync(file.fileno())

    def publish(self) -> str | None:
        """Rename the whole snapshot into place (unless the inputs changed meanwhile, or
        another process's copy got there first); a problem as one line."""
        root = snapshots_dir()
        try:
            if inputs_of_again(self.inputs) == self.inputs:
                try:
                    os.rename(self.where, root / self.inputs.directory_name)
                    self.where = root / self.inputs.directory_name
                    _prune(root, self.inputs)
                    return None
                except OSError:
                    if not is_ours(root / self.inputs.directory_name):
                        raise
        except OSError as error:
            return self.failed(error)
        finally:
            if self.where.name.startswith(BUILDING_PREFIX):
                delete(self.where)
            self._held.close()
        return None

    def abandon(self) -> None:
        self._held.close()
        delete(self.where)

    def failed(self, error: Exception) -> str:
        return self.failed_in(snapshots_dir(), error)

    @staticmethod
    def failed_in(root: Path, error: Exception) -> str:
        return f"the papers could not be cached in {shown(root)} ({error}); the next start reads them again"


SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def _file_state(where: str, problem: str | None) -> tuple:
    """(path, size, mtime in ns), or (path, why it cannot be read). A SQLite database (Zotero's)
    also has its -wal's: a running Zotero commits there, leaving the file itself as it was."""
    if problem is None:
        try:
            state = os.stat(where)
        except OSError as error:
            return (where, str(error))
        if where.endswith(SQLITE_SUFFIXES):
            from papertui.corpus.zotero_sqlite import wal_state

            return (where, state.st_size, state.st_mtime_ns, *(wal_state(Path(where)) or ()))
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
    """Drop papertui's older snapshots of the same inputs, its stale temporary directories,
    and all but the KEPT most recently used of its snapshots; nothing else."""
    try:
        contents = survey(root)
    except OSError:
        return
    now = time.time()
    for used, where in contents.building:
        if now - used > STALE_TEMP:
            delete(where)
    recent = []
    for used, where in contents.snapshots:
        if where.name.startswith(kept.named + "-") and where.name != kept.directory_name:
            delete(where)
        else:
            recent.append((used, where))
    for _, where in sorted(recent, reverse=True)[KEPT:]:
        delete(where)


@dataclass(frozen=True)
class CacheContents:
    """What the cache holds: papertui's snapshots and their bytes, and the entries it did not write."""

    count: int
    size: int
    foreign: int
    problem: str | None = None  # why the cache directory cannot be used (one line), when it cannot

    def left(self) -> str | None:
        """The line saying what papertui leaves alone, when there is any."""
        if not self.foreign:
            return None
        return f"left {self.foreign:,} entr{'y' if self.foreign == 1 else 'ies'} papertui did not write in {shown(snapshots_dir())}"


def cache_contents() -> CacheContents:
    """The snapshots papertui wrote, their size (regular files only, no link followed), and
    how many entries it did not write."""
    return _surveyed()[0]


def cache_size() -> tuple[int, int]:
    """(snapshots, bytes) papertui keeps in the cache directory."""
    kept = cache_contents()
    return kept.count, kept.size


def clear_cache() -> CacheContents:
    """Delete every snapshot papertui wrote (and those being written); what was freed and
    what was left. The directories themselves stay: they may hold what is not papertui's."""
    kept, contents = _surveyed()
    for _, where in contents.snapshots + contents.building:
        delete(where)
    return kept


def _surveyed() -> tuple[CacheContents, Survey]:
    root = snapshots_dir()
    problem = unusable(cache_dir(), root)
    if problem:
        return CacheContents(0, 0, 0, problem), Survey()
    try:
        contents = survey(root)
    except OSError as error:
        return CacheContents(0, 0, 0, f"{shown(root)} cannot be read ({error.strerror})"), Survey()
    return CacheContents(len(contents.snapshots), contents.size(), len(contents.foreign)), contents

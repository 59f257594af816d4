"""Which entries of the cache directory papertui wrote, how much room they take, deleting them.

The cache directory is wherever `$PAPERTUI_CACHE_DIR` points — the home directory is one typo
away — and may hold what the user put there. So papertui deletes only what it can tell it
wrote: a real directory (`lstat`: a link is never one) with the name papertui gives a
snapshot (`<16 hex>-<16 hex>`, or `.building-<8>` while one is written) holding papertui's
marker file, which is written before a snapshot is renamed into place. A snapshot written
before the marker existed counts as papertui's when it holds exactly papertui's two files,
both regular, and its meta file reads as papertui's. Everything else is left alone and
counted; a link is followed neither to size nor to delete. A snapshot written by an update
holds hard links to the packs of the one before (more files than those two): deleting it
unlinks them, and a pack linked twice is counted once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from papertui.storage.regular_files import open_regular, read_regular_bytes, shown, special_kind

try:
    import fcntl
except ImportError:  # not a POSIX system: snapshots being written are not told apart
    fcntl = None  # type: ignore[assignment]

PACK, META = "arrays.bin", "meta.json"
MARKER = "written-by-papertui"
MARKER_TEXT = b"papertui: a kept load; 'papertui cache --clear' deletes it\n"
SNAPSHOT_NAME = re.compile(r"[0-9a-f]{16}-[0-9a-f]{16}\Z")
BUILDING_PREFIX = ".building-"
BUILDING_NAME = re.compile(r"\.building-[a-z0-9_]{8}\Z")  # tempfile.mkdtemp's names
META_LIMIT = 1 << 30  # bytes: a meta file lists the input files; a library of 100k files is some MB


def mark(directory: Path) -> None:
    """Mark a snapshot being written as papertui's (before it is renamed into place, so a
    published snapshot always carries the marker)."""
    with open(directory / MARKER, "xb") as file:
        file.write(MARKER_TEXT)
        file.flush()
        os.fsync(file.fileno())  # an empty marker after a crash would make the snapshot look foreign for good


def read_meta(where: Path) -> Any:
    """The parsed meta file of the snapshot in `where`, read only if it is a regular file."""
    return json.loads(read_regular_bytes(where / META, META_LIMIT))


def is_ours(where: Path) -> bool:
    """Whether `where` is a snapshot papertui wrote (or is writing)."""
    building = BUILDING_NAME.match(where.name)
    if not (building or SNAPSHOT_NAME.match(where.name)) or _kind(where) != stat.S_IFDIR:
        return False
    if _marked(where):
        return True
    try:
        names = os.listdir(where)
    except OSError:
        return False
    if not set(names) <= {PACK, META} or any(_kind(where / name) != stat.S_IFREG for name in names):
        return False
    if building:
        return True  # written by an older papertui and stopped before its meta file was
    try:
        meta = read_meta(where)
    except (OSError, ValueError, RecursionError):
        return False
    key = meta.get("key") if isinstance(meta, dict) else None
    return isinstance(key, dict) and isinstance(key.get("version"), str) and isinstance(key.get("files"), list) and isinstance(meta.get("pack"), dict)


def _kind(path: Path) -> int | None:
    """The file type of `path` itself (a link is a link), or None when it is not there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except OSError:
        return None


def _marked(where: Path) -> bool:
    if _kind(where / MARKER) != stat.S_IFREG:
        return False
    try:
        return read_regular_bytes(where / MARKER, len(MARKER_TEXT)) == MARKER_TEXT
    except OSError:
        return False


@dataclass
class Survey:
    """What the snapshots directory holds, by who wrote it; papertui's with their time of last use."""

    snapshots: list[tuple[float, Path]] = field(default_factory=list)  # papertui's kept loads
    building: list[tuple[float, Path]] = field(default_factory=list)  # left by a killed process, or being written
    writing: list[Path] = field(default_factory=list)  # being written by a running papertui (`hold`): never deleted
    foreign: list[Path] = field(default_factory=list)  # what papertui did not write: never deleted

    def size(self) -> int:
        """Bytes on disk: a pack that several snapshots hard-link (an update's) counts once."""
        seen: set[tuple[int, int]] = set()
        return sum(size_of(where, seen) for where in [w for _, w in self.snapshots + self.building] + self.writing)


def hold(directory: Path) -> BinaryIO:
    """Mark the snapshot being written in `directory` as in use for as long as the returned
    file stays open: a lock on its marker, which pruning and clearing look for (`in_use`).
    A first read of the arXiv snapshot writes for minutes: deleting it meanwhile would start
    it over, into memory."""
    file = open(directory / MARKER, "rb")
    if fcntl is not None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    return file


def in_use(directory: Path) -> bool:
    """Whether a running papertui holds the snapshot being written in `directory`."""
    if fcntl is None:
        return False
    try:
        with open_regular(directory / MARKER) as file:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def survey(root: Path) -> Survey:
    """The entries of `root` (none when it is not there yet); an OSError when it cannot be listed."""
    contents = Survey()
    try:
        names = sorted(os.listdir(root))
    except FileNotFoundError:
        return contents
    for name in names:
        where = root / name
        try:
            used = os.lstat(where).st_mtime
        except OSError:
            continue  # deleted meanwhile
        if not is_ours(where):
            contents.foreign.append(where)
        elif BUILDING_NAME.match(name):
            if in_use(where):
                contents.writing.append(where)
            else:
                contents.building.append((used, where))
        else:
            contents.snapshots.append((used, where))
    return contents


def size_of(where: Path, seen: set[tuple[int, int]] | None = None) -> int:
    """The bytes of the regular files under the real directory `where`; links not followed,
    and a file (device, inode) already in `seen` not counted again (hard links)."""
    seen = set() if seen is None else seen
    total = 0
    for folder, _, files in os.walk(where, followlinks=False):
        for name in files:
            try:
                state = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if stat.S_ISREG(state.st_mode) and (state.st_dev, state.st_ino) not in seen:
                seen.add((state.st_dev, state.st_ino))
                total += state.st_size
    return total


def delete(where: Path) -> None:
    """Delete `where` (papertui's: `is_ours`) if it is still a real directory; a link is not deleted
    through (and rmtree itself refuses one, and unlinks the links inside without following them)."""
    if _kind(where) == stat.S_IFDIR:
        shutil.rmtree(where, ignore_errors=True)


def unusable(*directories: Path) -> str | None:
    """Why the cache cannot be kept in `directories` (the cache directory, then the snapshots
    directory in it), in words for one line; None when each is a directory or not there yet."""
    for directory in directories:
        try:
            mode = os.stat(directory).st_mode  # followed: the user may link the cache elsewhere
        except FileNotFoundError:
            return None
        except OSError as error:
            return f"{shown(directory)} cannot be used as a directory ({error.strerror})"
        if not stat.S_ISDIR(mode):
            return f"{shown(directory)} is {special_kind(mode) or 'a file'}, not a directory"
    return None

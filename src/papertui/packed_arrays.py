"""Many numpy arrays in one file, read back as views of one read-only memory map.

A restart maps the file and reads nothing more until a search or a row touches a page: the
operating system loads what is used and can drop it again under memory pressure.

A pack may also name arrays that stay in other packs beside it (`write_pack`'s `reuse`): an
array that is a view of a pack read before is not written again, its manifest entry says
which pack file holds it and where. A kept load brought up to date writes only what changed
that way; the packs it reuses are hard links in its own directory (`cache/snapshot.py`).
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

import numpy as np

from papertui.storage.regular_files import open_regular

ALIGN = 64


class DamagedPack(ValueError):
    """The file does not hold the arrays its manifest lists."""


class Texts:
    """Strings to be written as one UTF-8 blob (`NAME.text`) and their offsets into it
    (`NAME.offsets`, n + 1 of them), streamed: a million abstracts are never one big bytes."""

    CHUNK = 4096

    def __init__(self, count: int, texts: Iterable[str]) -> None:
        self.count, self.texts = count, texts


class Blob:
    """Texts already written as one UTF-8 blob in a file of their own (`path`, its first
    `length` bytes; fsynced), with their offsets: never decoded. A blob that is the whole of a
    file beside the pack is read from that file (the manifest names it); any other is copied
    into the pack by the kernel."""

    def __init__(self, path: Path, length: int, offsets: np.ndarray) -> None:
        self.path, self.length, self.offsets = path, length, offsets


@dataclass(frozen=True, eq=False)
class MappedPack:
    """A pack file as `read_pack` mapped it: which file (to link it elsewhere, and to know it
    is still that one), and where its bytes are in this process's memory."""

    name: str  # its file name, which every pack reusing it gives it too
    path: Path
    size: int
    device: int
    inode: int
    address: int  # of its first byte in the map (0 for an empty pack)
    mapped: Any  # the map itself: its arrays stay valid while this lives

    def holds(self, array: np.ndarray) -> int | None:
        """Where `array`'s bytes start in this pack, when they are a contiguous run of it."""
        if not self.address or not array.flags.c_contiguous or not array.size:
            return None
        start = array.__array_interface__["data"][0] - self.address
        return start if 0 <= start and start + array.nbytes <= self.size else None


class PackArrays(dict):  # type: ignore[type-arg]
    """The arrays `read_pack` read (name -> array), and the packs they are views of."""

    packs: tuple[MappedPack, ...] = ()


PACKS = "\0packs"  # manifest key: the other packs' file names and sizes
SIZE = "\0size"


def write_pack(path: Path, arrays: dict[str, np.ndarray | Texts | Blob], reuse: Iterable[MappedPack] = ()) -> dict[str, Any]:
    """Write `arrays` to `path` (fsynced); return the manifest that reads them back. An array
    whose bytes are in one of the packs `reuse` is not written: its entry names that pack,
    which must then sit beside `path` under its name (`manifest[PACKS]` lists those used)."""
    manifest: dict[str, Any] = {}
    reuse = [pack for pack in reuse if pack.name != path.name]
    used: dict[str, int] = {}
    # "x": never through an existing file, which may be a pack another snapshot links to.
    with open(path, "xb") as file:

        def put(name: str, array: np.ndarray) -> None:
            for pack in reuse:
                start = pack.holds(array)
                if start is not None:
                    manifest[name] = [array.dtype.str, start, int(array.size), pack.name]
                    used[pack.name] = pack.size
                    return
            array = np.ascontiguousarray(array)
            start = _aligned(file)
            manifest[name] = [array.dtype.str, start, int(array.size)]
            file.write(memoryview(array).cast("B") if array.size else b"")

        for name, value in arrays.items():
            if isinstance(value, Blob):
                if len(value.offsets) and int(value.offsets[-1]) != value.length:
                    raise ValueError(f"{name}: offsets end at {int(value.offsets[-1])} in a blob of {value.length} bytes")
                if value.path.parent == path.parent and value.path.stat().st_size == value.length:
                    # Beside the pack, whole: read from where it is, as another pack (nothing copied).
                    manifest[f"{name}.text"] = [np.dtype(np.uint8).str, 0, value.length, value.path.name]
                    used[value.path.name] = value.length
                    put(f"{name}.offsets", value.offsets)
                    continue
                start = _aligned(file)
                file.flush()
                with open(value.path, "rb") as source:
                    _copy(source, file, value.length)
                manifest[f"{name}.text"] = [np.dtype(np.uint8).str, start, value.length]
                put(f"{name}.offsets", value.offsets)
            elif isinstance(value, Texts):
                start = _aligned(file)
                offsets = np.zeros(value.count + 1, dtype=np.int64)
                written, number = 0, 0
                for chunk in _chunks(value.texts, Texts.CHUNK):
                    data = [text.encode("utf-8", "surrogatepass") for text in chunk]
                    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
                    offsets[number + 1 : number + 1 + len(data)] = written + np.cumsum(lengths)
                    file.write(b"".join(data))
                    written += int(lengths.sum())
                    number += len(data)
                if number != value.count:
                    raise ValueError(f"{name}: {number} texts where {value.count} were announced")
                manifest[f"{name}.text"] = [np.dtype(np.uint8).str, start, written]
                put(f"{name}.offsets", offsets)
            else:
                put(name, value)
        if used:
            manifest[PACKS] = used
        manifest[SIZE] = file.tell()
        file.flush()
        os.fsync(file.fileno())
    return manifest


def _copy(source: BinaryIO, target: BinaryIO, length: int) -> None:
    """The first `length` bytes of `source` appended to `target` (both at their positions)."""
    left = length
    try:
        while left:
            copied = os.copy_file_range(source.fileno(), target.fileno(), left)
            if not copied:
                break
            left -= copied
    except (AttributeError, OSError):  # not Linux, or not between these files: by hand
        while left:
            chunk = source.read(min(left, 1 << 24))
            if not chunk:
                break
            target.write(chunk)
            left -= len(chunk)
    if left:
        raise ValueError(f"{length - left} of {length} bytes could be copied into the pack")
    target.seek(0, os.SEEK_END)


def offsets_fit(offsets: np.ndarray, count: int, length: int) -> bool:
    """Whether `offsets` can cut something `length` long into `count` pieces: count + 1 of
    them, from 0 to `length`, never going back (what `Texts` and postings both write)."""
    if len(offsets) != count + 1:
        return False
    return not count or (offsets[0] == 0 and offsets[-1] == length and not np.any(np.diff(offsets) < 0))


def _aligned(file: BinaryIO) -> int:
    padding = -file.tell() % ALIGN
    file.write(b"\0" * padding)
    return file.tell()


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_pack(path: Path, manifest: dict[str, Any]) -> PackArrays:
    """The arrays of `path` (and of the packs beside it that its manifest names), as
    read-only views of memory maps, checked against the manifest."""
    manifest = dict(manifest)
    others = manifest.pop(PACKS, {})
    packs = {path.name: _mapped(path, manifest.pop(SIZE, None))}
    if not isinstance(others, dict):
        raise DamagedPack("the other packs are not listed by name")
    for name, size in others.items():
        if not isinstance(name, str) or name in ("", ".", "..") or os.sep in name or (os.altsep and os.altsep in name):
            raise DamagedPack(f"{name!r}: not a pack's file name")  # a manifest never leads out of its directory
        if name != path.name:
            packs[name] = _mapped(path.parent / name, size)
    arrays = PackArrays()
    arrays.packs = tuple(packs.values())
    for name, entry in manifest.items():
        try:
            kind, offset, count, *where = entry
            dtype = np.dtype(kind)
            pack = packs[where[0] if where else path.name]
        except (TypeError, ValueError, KeyError, IndexError) as error:
            raise DamagedPack(f"{name}: {type(error).__name__}: {error}") from None
        if len(where) > 1 or dtype.hasobject or not (isinstance(offset, int) and isinstance(count, int)) or offset < 0 or count < 0:
            raise DamagedPack(f"{name}: not an array of plain numbers")
        if offset + count * dtype.itemsize > pack.size:
            raise DamagedPack(f"{name}: runs past the end of {pack.name}")
        arrays[name] = np.frombuffer(pack.mapped, dtype=dtype, count=count, offset=offset) if count else np.empty(0, dtype)
    return arrays


def _mapped(path: Path, size: Any) -> MappedPack:
    with open_regular(path) as file:  # a FIFO swapped in for the pack must not block the load
        state = os.fstat(file.fileno())
        if not isinstance(size, int) or state.st_size != size:
            raise DamagedPack(f"{path.name}: {state.st_size:,} bytes where {size!r} were written")
        mapped: Any = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    address = np.frombuffer(mapped, dtype=np.uint8).__array_interface__["data"][0] if size else 0
    return MappedPack(path.name, path, size, state.st_dev, state.st_ino, address, mapped)


def concatenated_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of arange(start, end) for each pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    steps = np.ones(total, dtype=np.int64)
    if total == 0:
        return steps
    heads = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=heads[1:])
    nonempty = lengths > 0
    # At each range's first slot, jump from the previous range's end to this range's start.
    jumps = starts[nonempty].copy()
    jumps[1:] -= ends[nonempty][:-1] - 1
    steps[heads[nonempty]] = jumps
    return np.cumsum(steps)

"""Loading files and directories into a `Corpus`: discovery, reading, decoding, parsing."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Sequence, Union

from papertui.corpus.merge import CorpusBuilder
from papertui.corpus.model import Corpus, FileReport, Record, Source
from papertui.corpus.records import MAX_ABSTRACT, MAX_TITLE
from papertui.corpus.text import counting_removals, decode, is_binary, normalise_lines, printable, utf16_encoding
from papertui.corpus.standard_input import STDIN, STDIN_NAME, stdin_stream
from papertui.storage.regular_files import NotRegularFile, open_regular, special_kind

# Paths under one of these are shown relative to it (the seeds, the library).
DisplayRoot = Union[Path, Sequence[Path], None]
ZOTERO_DATABASE = "zotero.sqlite"  # zotero_sqlite.DATABASE_NAME, without importing the readers
# Beside it, what Zotero keeps for itself: attachments, styles, translators (JavaScript), pipes
# (FIFOs), backups (zotero.sqlite.bak) and the database's -wal and -journal.
_ZOTERO_FOLDERS = {"storage", "styles", "translators", "locate", "pipes", "tmp"}
_ZOTERO_COMPANIONS = (ZOTERO_DATABASE + ".", ZOTERO_DATABASE + "-")


def discover_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Each file to load, or a path with the reason it cannot be (missing, …).

    Directories are walked recursively in sorted order; hidden entries are skipped;
    symlinked directories are not followed, so a link loop cannot trap the walk. Only
    regular files are read: a FIFO or a device would block `open()` or never end.
    """
    for path in paths:
        if path == STDIN:
            yield path, None
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if ZOTERO_DATABASE in files:  # Zotero's data directory: its database is the input
                    dirs[:] = [d for d in dirs if d not in _ZOTERO_FOLDERS]
                    files = [name for name in files if not name.startswith(_ZOTERO_COMPANIONS)]
                for name in sorted(files):
                    if not name.startswith("."):
                        file = Path(root, name)
                        yield file, unreadable(file)
        else:
            yield path, unreadable(path)


def _not_regular(kind: str) -> str:
    return f"{kind}, not a regular file; skipped"


def unreadable(path: Path) -> str | None:
    """Why `path` cannot be loaded, or None when it is a regular file that can be opened."""
    try:
        kind = special_kind(os.stat(path).st_mode)
        return _not_regular(kind) if kind else None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return "broken symbolic link"
        if error.errno == errno.ENOENT:
            return "no such file or directory"
        return f"cannot read: {error.strerror or error}"


@dataclass(frozen=True)
class LoadProgress:
    """How far a load has come. The corpus grows in place: papers[:papers_loaded] are final
    except for those in `changed`, whose text a later record changed."""

    corpus: Corpus
    papers_loaded: int
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    changed: tuple[int, ...] = ()
    # Papers were joined at the end of the load (a record linked two of them): indexes
    # into `corpus.papers` from earlier reports no longer hold.
    renumbered: bool = False
    stopped: bool = False  # asked to stop before every file was read

    @property
    def done(self) -> bool:
        return self.files_done == self.files_total or self.stopped


PROGRESS_EVERY = 5000  # records between progress reports inside one file


def load_corpus(paths: Iterable[Path], display_root: DisplayRoot = None) -> Corpus:
    """Load every file under `paths`. Bad files get a warning; the rest always loads.

    `display_root`: paths under it are shown relative to it (the bundled seeds).
    """
    corpus = Corpus()
    for _ in iter_load(paths, display_root, corpus):
        pass
    return corpus


def iter_load(
    paths: Iterable[Path],
    display_root: DisplayRoot = None,
    corpus: Corpus | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[LoadProgress]:
    """Load like `load_corpus`, reporting progress as files and records come in.

    The first report comes before any file is read (it gives the totals), the last when
    every file is done, or once `stop()` says to stop (checked at every report): what
    loaded until then is kept, and a warning says what was not read.
    """
    corpus = Corpus() if corpus is None else corpus
    builder = CorpusBuilder(corpus.papers)
    found = list(discover_files(paths))
    sizes = [_size(path) if problem is None else 0 for path, problem in found]
    bytes_total = sum(sizes)
    bytes_done = 0
    reported_changes = 0

    def progress(files_done: int, read_in_file: int = 0, renumbered: bool = False, stopped: bool = False) -> LoadProgress:
        nonlocal reported_changes
        builder.settle()
        changed = tuple(builder.changed[reported_changes:])
        reported_changes = len(builder.changed)
        return LoadProgress(
            corpus, len(corpus.papers), files_done, len(found), bytes_done + read_in_file, bytes_total, changed,
            renumbered, stopped,
        )  # fmt: skip

    yield progress(0)
    for number, ((path, problem), size) in enumerate(zip(found, sizes)):
        report = FileReport(path=display_name(path, display_root))
        corpus.files.append(report)
        stopped_inside = False
        if problem:
            report.warn(problem)
        else:
            reading = load_file(path, report, builder, stop)
            for read in reading:
                yield progress(number, read)
                if stop():
                    reading.close()
                    stopped_inside = True
                    break
        bytes_done += size
        unread = len(found) - number - 1
        if stopped_inside or (unread and stop()):
            report.warn(stopped_warning(report.records if stopped_inside else None, unread))
            yield progress(number + 1, renumbered=builder.finish(), stopped=True)
            return
        if not unread:
            renumbered = builder.finish()
            corpus.merged_records = builder.kept_records
            yield progress(number + 1, renumbered=renumbered)
        else:
            yield progress(number + 1)


def stopped_warning(records: int | None, unread: int) -> str:
    """What a load stopped inside a file (after `records` of it; None: after the file) left
    unread, with `unread` more files."""
    files = f"{unread:,} more file{'s were' if unread != 1 else ' was'} not read"
    if records is None:
        return f"loading stopped after this file; {files}"
    rest = f"the rest of this file and {files}" if unread else "the rest of this file was not read"
    return f"loading stopped after record {records:,}; {rest}"


def _size(path: Path) -> int:
    if path == STDIN:
        return 0
    try:
        return path.stat().st_size
    except OSError:
        return 0


HEAD_BYTES = 1 << 16


def in_parallel(path: Path) -> bool:
    """Whether `path` is a JSON-lines file large enough to be read by a pool of processes."""
    from papertui.corpus import parallel_lines
    from papertui.corpus.sniff import sniff_database, sniff_format

    if path == STDIN or _size(path) < parallel_lines.PARALLEL_FROM or parallel_lines.workers() < 2:
        return False
    try:
        with open_input(path) as stream:
            head = _read_head(stream)
    except OSError:
        return False
    if not head.strip() or is_binary(head) or utf16_encoding(head) or sniff_database(head) is not None:
        return False
    fmt = sniff_format(normalise_lines(decode(head)[0].lstrip("\ufeff")))
    return fmt is not None and fmt.name == "json-lines"


def open_input(path: Path) -> BinaryIO:
    """An input file opened for reading (standard input for `-`), if it is a regular file:
    the kind is checked on the open file itself, so no swap after `stat` can fool it.
    Raises NotRegularFile, or the OSError of the open."""
    if path == STDIN:
        return stdin_stream()
    return open_regular(path)


def load_file(
    path: Path, report: FileReport, builder: CorpusBuilder, stop: Callable[[], bool] = lambda: False
) -> Iterator[int]:
    """Parse one file into `builder`, yielding the bytes read so far every
    `PROGRESS_EVERY` records, and at once when `stop()` says to stop."""
    try:
        stream = open_input(path)
    except NotRegularFile as error:
        report.warn(_not_regular(error.kind))
        return
    except OSError as error:
        report.warn(f"cannot read: {error.strerror or error}")
        return
    try:
        yield from _load_stream(stream, report, builder, stop, path)
    except OSError as error:
        report.warn(f"cannot read: {error.strerror or error}; what came before it was kept")
    except MemoryError:
        size = f" ({_size(path):,} bytes)" if path != STDIN else ""
        kept = f"; the {report.records:,} records before it were kept" if report.records else "; skipped"
        report.warn(f"too large to read into memory{size}{kept}")
    finally:
        if path != STDIN:
            stream.close()


def _load_stream(
    stream: BinaryIO, report: FileReport, builder: CorpusBuilder, stop: Callable[[], bool], path: Path = STDIN
) -> Iterator[int]:
    from papertui.corpus import parallel_lines
    from papertui.corpus.sniff import FORMATS, sniff_database, sniff_format  # every parser: not needed for a start from the cache

    head = _read_head(stream)
    database = sniff_database(head)
    if database is not None:  # SQLite reads a database from its path, not as text
        if path == STDIN:
            report.warn("a SQLite database cannot be read from standard input; give its path instead")
            return
        report.format = database.name
        yield from _add_records(database.parse(path, report), database.name, report, builder, stop, [_size(path)])
        return
    while len(head) == HEAD_BYTES and not head.strip():  # a long run of blank space first
        head = _read_head(stream)
    if not head.strip():
        report.warn("empty file")
        return
    if is_binary(head):
        report.warn("not a text file (binary data); skipped")
        return
    utf16 = utf16_encoding(head)
    sniffed = head[: len(head) & ~1].decode(utf16, errors="replace") if utf16 else decode(head)[0]
    fmt = sniff_format(normalise_lines(sniffed.lstrip("\ufeff")))  # a cut character only costs the sniff a letter
    if fmt is None:
        report.warn(f"matches no known format ({', '.join(FORMATS)}; `papertui --help` shows them); skipped")
        return
    report.format = fmt.name
    read = [len(head)]
    if utf16:  # two bytes a character: lines cannot be cut at b"\n", so it is read whole
        data = head + stream.read()
        read[0] = len(data)
        text = normalise_lines(data.decode(utf16, errors="replace").lstrip("\ufeff"))
        del data
        report.warn(f"not UTF-8; read as {utf16}" + (" (no byte order mark)" if utf16 != "utf-16" else ""))
        source: object = text.split("\n") if fmt.by_lines else text
    elif fmt.name == "json-lines" and path != STDIN and _size(path) >= parallel_lines.PARALLEL_FROM and parallel_lines.workers() > 1:
        yield from _add_records(parallel_lines.read_json_lines(path, report, read, stop), fmt.name, report, builder, stop, read)
        return
    elif fmt.by_lines:
        source = _decoded_lines(head, stream, report, read)
    else:
        data = head + stream.read()
        read[0] = len(data)
        text, encoding_warning = decode(data)
        del data
        if encoding_warning:
            report.warn(encoding_warning)
        source = normalise_lines(text)
    yield from _add_records(fmt.parse(source, report), fmt.name, report, builder, stop, read)  # type: ignore[arg-type]


def _add_records(
    records: Iterator[Record], fmt_name: str, report: FileReport, builder: CorpusBuilder, stop: Callable[[], bool], read: list[int]
) -> Iterator[int]:
    """Merge a parser's records into `builder`, yielding the bytes read (`read[0]`) every
    `PROGRESS_EVERY` records; then warn about what cleaning removed."""
    papers = set()
    with counting_removals() as removed:
        try:
            for record in records:
                report.records += 1
                trim_record(record, report)
                source_of = Source(report.path, report.records, fmt_name)
                paper, merged = builder.add(record, source_of, report)
                papers.add(id(paper))
                report.merged += merged
                if report.records % PROGRESS_EVERY == 0 or stop():
                    report.papers = len(papers)
                    yield read[0]
        except (OSError, MemoryError):
            raise
        except Exception as error:  # a parser's bug costs the rest of one file, never the load
            warn_bug(report, error)
    report.papers = len(papers)
    warn_after_reading(report, removed, fmt_name)


def warn_bug(report: FileReport, error: Exception) -> None:
    """A reader's bug, which costs the rest of one file, never the load."""
    report.warn(
        f"could not be read after record {report.records} ({type(error).__name__}: {error}); "
        "the records before it were kept. This is a bug in papertui: please report it"
    )


def warn_after_reading(report: FileReport, removed: list[int], fmt_name: str) -> None:
    """What cleaning removed (`counting_removals`), and a file of the format with no record."""
    if removed[0]:
        report.warn(f"{removed[0]:,} control characters and escape sequences removed (they could drive the terminal)")
    if removed[1]:
        report.warn(f"{removed[1]:,} invalid characters (lone UTF-16 surrogates) replaced with \N{REPLACEMENT CHARACTER}")
    if report.records == 0 and not report.warnings:
        report.warn(f"looks like {fmt_name} but holds no records")


def trim_record(record: Record, report: FileReport) -> None:
    """Warn about fields cut to their size limit, or cut one still too long to be what it
    claims, so that one runaway line cannot make the list or the detail pane crawl; warn
    about a number too large to be a count."""
    lengths = dict(record.cut)
    for name, limit in (("title", MAX_TITLE), ("abstract", MAX_ABSTRACT)):
        text = getattr(record, name)
        if name in lengths or (text and len(text) > limit):
            found = lengths.get(name, len(text or ""))
            report.warn(f"record {report.records}: the {name} has {found:,} characters; the first {limit:,} are kept")
            if text:
                setattr(record, name, text[:limit].rstrip() + "…")
    if record.dropped_upvotes is not None:
        report.warn(f"record {report.records}: {record.dropped_upvotes} upvotes is out of range; left out")


def _read_head(stream: BinaryIO) -> bytes:
    """Up to HEAD_BYTES, however the bytes trickle in (a pipe gives them in pieces)."""
    parts, size = [], 0
    while size < HEAD_BYTES:
        part = stream.read(HEAD_BYTES - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _decoded_lines(head: bytes, stream: BinaryIO, report: FileReport, read: list[int]) -> Iterator[str]:
    """The lines of `head` and then the rest of `stream`, decoded one by one; `read[0]`
    follows the bytes read. A line that is not UTF-8 is read as Windows-1252 (or Latin-1),
    and one warning at the end counts them."""
    *complete, partial = head.split(b"\n")
    bad: list[int] = []
    number = 0

    def decoded(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            return decode(raw)[0]

    for number, raw in enumerate(complete, 1):
        yield decoded(raw)
    rest = iter(stream)
    tail = next(rest, b"")
    read[0] += len(tail)
    number = len(complete) + 1
    yield decoded(partial + tail)
    for number, raw in enumerate(rest, number + 1):
        read[0] += len(raw)
        yield decoded(raw)
    if bad:
        report.warn(
            f"{len(bad)} lines are not UTF-8 (the first: line {bad[0]}); read as Windows-1252, "
            "some characters may be wrong"
        )


def display_name(path: Path, roots: DisplayRoot) -> str:
    """The name a file is shown by: one line, with any control character spelt out."""
    if path == STDIN:
        return STDIN_NAME
    for root in [roots] if isinstance(roots, Path) else roots or ():
        try:
            return printable(path.relative_to(root).as_posix())
        except ValueError:
            pass
    return printable(str(path))

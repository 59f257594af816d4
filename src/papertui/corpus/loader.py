"""Loading files and directories into a `Corpus`: discovery, reading, decoding, parsing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from papertui.corpus.merge import CorpusBuilder
from papertui.corpus.model import Corpus, FileReport, Source
from papertui.corpus.sniff import FORMATS, sniff_format
from papertui.corpus.text import decode, is_binary, normalise_lines

def discover_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Each file to load, or a path with the reason it cannot be (missing, …).

    Directories are walked recursively in sorted order; hidden entries are skipped;
    symlinked directories are not followed, so a link loop cannot trap the walk.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root, name), None
        elif path.exists():
            yield path, None
        elif path.is_symlink():
            yield path, "broken symbolic link"
        else:
            yield path, "no such file or directory"


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

    @property
    def done(self) -> bool:
        return self.files_done == self.files_total


PROGRESS_EVERY = 5000  # records between progress reports inside one file


def load_corpus(paths: Iterable[Path], display_root: Path | None = None) -> Corpus:
    """Load every file under `paths`. Bad files get a warning; the rest always loads.

    `display_root`: paths under it are shown relative to it (the bundled seeds).
    """
    corpus = Corpus()
    for _ in iter_load(paths, display_root, corpus):
        pass
    return corpus


def iter_load(
    paths: Iterable[Path],
    display_root: Path | None = None,
    corpus: Corpus | None = None,
) -> Iterator[LoadProgress]:
    """Load like `load_corpus`, reporting progress as files and records come in.

    The first report comes before any file is read (it gives the totals), the last when
    every file is done.
    """
    corpus = Corpus() if corpus is None else corpus
    builder = CorpusBuilder(corpus.papers)
    found = list(discover_files(paths))
    sizes = [_size(path) if problem is None else 0 for path, problem in found]
    bytes_total = sum(sizes)
    bytes_done = 0
    reported_changes = 0

    def progress(files_done: int) -> LoadProgress:
        nonlocal reported_changes
        changed = tuple(builder.changed[reported_changes:])
        reported_changes = len(builder.changed)
        return LoadProgress(
            corpus, len(corpus.papers), files_done, len(found), bytes_done, bytes_total, changed
        )

    yield progress(0)
    for number, ((path, problem), size) in enumerate(zip(found, sizes)):
        report = FileReport(path=_display(path, display_root))
        corpus.files.append(report)
        if problem:
            report.warn(problem)
        else:
            for _ in load_file(path, report, builder):
                yield progress(number)
        bytes_done += size
        yield progress(number + 1)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_file(path: Path, report: FileReport, builder: CorpusBuilder) -> Iterator[None]:
    """Parse one file into `builder`, yielding every `PROGRESS_EVERY` records."""
    try:
        data = path.read_bytes()
    except OSError as error:
        report.warn(f"cannot read: {error.strerror or error}")
        return
    if not data.strip():
        report.warn("empty file")
        return
    if is_binary(data):
        report.warn("not a text file (binary data); skipped")
        return
    text, encoding_warning = decode(data)
    del data
    if encoding_warning:
        report.warn(encoding_warning)
    text = normalise_lines(text)
    fmt = sniff_format(text)
    if fmt is None:
        known = "; ".join(f.description for f in FORMATS.values())
        report.warn(f"matches no known format (expected {known}); skipped")
        return
    report.format = fmt.name
    papers = set()
    for record in fmt.parse(text, report):
        report.records += 1
        source = Source(report.path, report.records, fmt.name)
        paper, merged = builder.add(record, source, report)
        papers.add(id(paper))
        report.merged += merged
        if report.records % PROGRESS_EVERY == 0:
            report.papers = len(papers)
            yield
    report.papers = len(papers)
    if report.records == 0:
        report.warn(f"looks like {fmt.name} but holds no records")


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)

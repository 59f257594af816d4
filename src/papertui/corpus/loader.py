"""Loading files and directories into a `Corpus`: discovery, reading, decoding, parsing."""

from __future__ import annotations

import os
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


def load_corpus(
    paths: Iterable[Path],
    display_root: Path | None = None,
) -> Corpus:
    """Load every file under `paths`. Bad files get a warning; the rest always loads.

    `display_root`: paths under it are shown relative to it (the bundled seeds).
    """
    builder = CorpusBuilder()
    corpus = Corpus(papers=builder.papers)
    for path, problem in discover_files(paths):
        report = FileReport(path=_display(path, display_root))
        if problem:
            report.warn(problem)
        else:
            load_file(path, report, builder)
        corpus.files.append(report)
    return corpus


def load_file(path: Path, report: FileReport, builder: CorpusBuilder) -> None:
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

"""PDFs Zotero keeps, for papers that are not in papertui's PDF library: `o` opens one and
`full:` searches its text (`Paper.local_pdf`: data directory/storage/KEY/file.pdf).

A Zotero database is read from the user's disk and could name any file: only a regular PDF
inside a Zotero data directory's `storage/` folder (after resolving links) is ever handed to
a viewer or to the text extractor. Nothing is ever written inside Zotero's data directory:
the extracted text is kept in papertui's own data directory (`zotero-texts/`), named by a
hash of the file's path, size and modification time, so a file Zotero replaces is read again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path
from typing import Iterable

from papertui.corpus.text import printable
from papertui.pdfs.store import FULL_TEXT_BYTES, NO_TEXT_SUFFIX, TEXT_SUFFIX, LocalPdf, _read_reason
from papertui.storage.regular_files import open_regular
from papertui.storage.files import data_dir, write_atomically

ZOTERO_TEXT_DIR = "zotero-texts"
ZOTERO_DATABASE = "zotero.sqlite"


def zotero_storage_pdf(path: str | os.PathLike | None) -> Path | None:
    """`path` resolved, when it is a regular `.pdf` file in `DIR/storage/KEY/` of a Zotero
    data directory DIR (one with its zotero.sqlite); None for anything else (a linked file
    elsewhere, a link out of storage/, a FIFO, a directory, a missing file)."""
    if not path:
        return None
    given = Path(path)
    if not given.is_absolute() or given.parent.parent.name != "storage" or given.suffix.lower() != ".pdf":
        return None
    home = given.parent.parent.parent
    try:
        storage = (home / "storage").resolve(strict=True)
        resolved = given.resolve(strict=True)
        regular = stat.S_ISREG(os.stat(resolved).st_mode)
        has_database = stat.S_ISREG(os.stat(home / ZOTERO_DATABASE).st_mode)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        return None
    if not (regular and has_database) or resolved.parent.parent != storage or resolved.suffix.lower() != ".pdf":
        return None
    return resolved


def refused(path: str | os.PathLike) -> str:
    """The one line said for a paper's Zotero PDF that is not opened or read."""
    return f"refused to open {printable(os.fspath(path))}: not a PDF file in a Zotero data directory's storage folder"


class ZoteroTexts:
    """The extracted text of Zotero's PDFs, kept in papertui's data directory. Thread-safe:
    the extraction thread writes while the search worker reads."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or data_dir() / ZOTERO_TEXT_DIR
        self._texts: dict[str, str] = {}  # text file's stem: the text, lower case, whitespace folded
        self._lock = threading.Lock()
        # The papers (by position in the corpus) each Zotero PDF belongs to, set by `note_papers`.
        self._papers: dict[str, list[int]] = {}

    def stem(self, pdf: Path) -> str | None:
        """The name its text is kept under, or None when it cannot be looked at."""
        try:
            status = os.stat(pdf)
        except OSError:
            return None
        key = f"{pdf}\0{status.st_size}\0{status.st_mtime_ns}"
        return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def note_papers(self, papers: Iterable[tuple[int, str]]) -> None:
        """The corpus's papers that have a Zotero PDF (and none in papertui's library), as
        (position, local_pdf): what `matching` answers from."""
        found: dict[str, list[int]] = {}
        for position, local_pdf in papers:
            found.setdefault(local_pdf, []).append(position)
        with self._lock:
            self._papers = found

    def wanted(self) -> list[str]:
        """The noted papers' PDFs, each once."""
        with self._lock:
            return list(self._papers)

    def ensure_text(self, local_pdf: str, budget: object = None) -> str | None:
        """Extract and keep the text of a paper's Zotero PDF unless that was done (or tried)
        already; None when done, else one line saying why there is none."""
        from papertui.pdfs.text import NoExtractor, NoText, _budget_grew, extract_text, text_budget

        pdf = zotero_storage_pdf(local_pdf)
        if pdf is None:
            return refused(local_pdf)
        stem = self.stem(pdf)
        if stem is None:
            return refused(local_pdf)
        text_path, no_text_path = self.root / (stem + TEXT_SUFFIX), self.root / (stem + NO_TEXT_SUFFIX)
        if text_path.is_file():
            return None
        if no_text_path.is_file():
            reason = _read_reason(no_text_path)
            if not _budget_grew(reason, budget or text_budget()):  # type: ignore[arg-type]
                return reason
        try:
            text = extract_text(LocalPdf("", "", pdf, 0, False, None), budget)  # type: ignore[arg-type]
            target, content, problem = text_path, text, None
            if not text.strip():
                problem = "it holds no text (a scan, perhaps); it still opens in a viewer"
                target, content = no_text_path, problem
        except NoExtractor as error:
            return str(error)  # tried again once it is installed
        except NoText as error:
            target, content, problem = no_text_path, str(error), str(error)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():  # papertui writes these files itself: never through a link
                target.unlink()
            write_atomically(target, content)
        except OSError:
            pass  # a read-only data directory: extracted again next time, nothing lost
        return problem

    def full_text(self, local_pdf: str) -> str | None:
        """The kept text of a paper's Zotero PDF, lower case with whitespace folded."""
        pdf = zotero_storage_pdf(local_pdf)
        stem = self.stem(pdf) if pdf is not None else None
        if stem is None:
            return None
        with self._lock:
            if stem in self._texts:
                return self._texts[stem]
        try:
            with open_regular(self.root / (stem + TEXT_SUFFIX)) as file:
                text = " ".join(file.read(FULL_TEXT_BYTES).decode("utf-8", "replace").lower().split())
        except OSError:
            return None
        with self._lock:
            self._texts[stem] = text
        return text

    def matching(self, needles: list[str]) -> list[tuple[int, str]]:
        """The noted papers whose Zotero PDF's text holds every one of `needles`, as
        (position, local_pdf): a caller whose corpus changed since checks the position."""
        with self._lock:
            papers = dict(self._papers)
        found: list[tuple[int, str]] = []
        for local_pdf, positions in papers.items():
            text = self.full_text(local_pdf) if needles else None
            if text is not None and all(needle in text for needle in needles):
                found += [(position, local_pdf) for position in positions]
        return found

"""The PDF library: downloaded papers as `pdfs/ID.pdf` in the data directory (`IDvN.pdf`
when a version was asked for), and beside each the text pdfium extracted (`ID.txt`), or why
there is none (`ID.notext`), for `full:` searches.

Old-style ids hold a slash (`hep-th/9901001`): their files are `hep-th_9901001.pdf`. A
download in progress is `ID.pdf.part`, never listed. A file added or deleted by hand is
noticed at the next look: the directory's modification time changes, and only then is it
listed again.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from papertui.corpus.text import printable
from papertui.links import parse_arxiv_id
from papertui.storage.regular_files import open_regular
from papertui.storage.files import data_dir

PDF_DIR = "pdfs"
PDF_BASE_VARIABLE = "PAPERTUI_ARXIV_PDF"
DEFAULT_PDF_BASE = "https://arxiv.org"
TEXT_SUFFIX = ".txt"
NO_TEXT_SUFFIX = ".notext"
_VERSION = re.compile(r"v([0-9]+)$")  # ASCII digits: int() would take "١" and "²" fails it
MAX_VERSION_DIGITS = 4  # arXiv's versions stay in two digits
FULL_TEXT_BYTES = 64 << 20  # ID.txt is 4 M characters at most (pdfs/text.py); one put by hand is cut here
REASON_BYTES = 4096


def pdf_base() -> str:
    """Where PDFs are downloaded from: files at `BASE/pdf/ID` (overridable for mirrors, tests)."""
    return (os.environ.get(PDF_BASE_VARIABLE) or DEFAULT_PDF_BASE).rstrip("/")


def download_url(arxiv_id: str, version: str = "") -> str:
    return f"{pdf_base()}/pdf/{arxiv_id}{version}"


def file_stem(arxiv_id: str, version: str = "") -> str:
    return arxiv_id.replace("/", "_") + version


def split_version(text: str) -> tuple[str, str] | None:
    """An id as typed (`2406.16845v2`, a URL, `hep-th/9901001`) as (canonical id, "v2" or "")."""
    arxiv_id = parse_arxiv_id(text)
    if arxiv_id is None:
        return None
    found = _VERSION.search(text.strip().removesuffix(".pdf"))
    if found is None:
        return arxiv_id, ""
    if len(found.group(1).lstrip("0")) > MAX_VERSION_DIGITS:
        return None  # v followed by 5,000 digits: no paper has that version, and no file that name
    return arxiv_id, f"v{int(found.group(1))}"


def _id_of_stem(stem: str) -> tuple[str, str] | None:
    for candidate in (stem, stem.replace("_", "/", 1)):
        found = split_version(candidate)
        if found is not None and file_stem(*found) == stem:
            return found
    return None


@dataclass(frozen=True)
class LocalPdf:
    arxiv_id: str
    version: str  # "v2", or "" for the latest at the time of download
    path: Path
    size: int
    has_text: bool  # the extracted text is beside it
    no_text: str | None  # why no text could be extracted, when that was tried and failed

    @property
    def text_path(self) -> Path:
        return self.path.with_suffix(TEXT_SUFFIX)

    @property
    def no_text_path(self) -> Path:
        return self.path.with_suffix(NO_TEXT_SUFFIX)


class PdfStore:
    """The downloaded PDFs by arXiv id. Thread-safe: the search worker, the download worker
    and the UI all look. `version` grows whenever what is on disk changed."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or data_dir() / PDF_DIR
        self.version = 0
        self._listing: dict[str, LocalPdf] = {}
        self._stamp: tuple[int, int] | None = None
        self._texts: dict[str, tuple[Path, str]] = {}
        self._lock = threading.Lock()
        from papertui.pdfs.zotero_pdfs import ZOTERO_TEXT_DIR, ZoteroTexts  # it builds on this module

        # The text of Zotero's PDFs of papers not in this library (`full:`), kept beside it.
        self.zotero_texts = ZoteroTexts(self.root.parent / ZOTERO_TEXT_DIR)

    def refresh(self) -> bool:
        """List the directory again if it changed (one stat otherwise); True if the listing did."""
        try:
            status = self.root.stat()
            stamp = (status.st_ino, status.st_mtime_ns)
        except OSError:
            stamp = None
        with self._lock:
            if stamp == self._stamp and stamp is not None:
                return False
            listing = self._scan() if stamp is not None else {}
            self._stamp = stamp
            if listing == self._listing:
                return False
            self._listing = listing
            self._texts = {key: value for key, value in self._texts.items() if key in listing and listing[key].has_text}
            self.version += 1
            return True

    def _scan(self) -> dict[str, LocalPdf]:
        found: dict[str, LocalPdf] = {}
        names: set[str] = set()
        pdfs = []
        try:
            with os.scandir(self.root) as entries:
                for entry in entries:
                    # only regular files count: a FIFO named ID.txt would hang whoever reads it
                    if entry.is_file(follow_symlinks=False):
                        names.add(entry.name)
                        if entry.name.endswith(".pdf"):
                            pdfs.append(entry)
        except OSError:
            return found
        for entry in pdfs:
            stem = entry.name[: -len(".pdf")]
            ids = _id_of_stem(stem)
            if ids is None:
                continue
            arxiv_id, version = ids
            try:
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            reason = None
            if stem + NO_TEXT_SUFFIX in names:
                reason = _read_reason(self.root / (stem + NO_TEXT_SUFFIX))
            pdf = LocalPdf(arxiv_id, version, Path(entry.path), size, stem + TEXT_SUFFIX in names, reason)
            kept = found.get(arxiv_id)
            if kept is None or _version_number(version) > _version_number(kept.version):
                found[arxiv_id] = pdf
        return found

    def note_change(self) -> None:
        """What searches read changed outside the listing (Zotero's PDFs' texts): answers
        cached by `version` are worked out again."""
        with self._lock:
            self.version += 1

    def forget_listing(self) -> None:
        """papertui itself changed the directory: list it at the next look, even if the
        modification time (coarse on some file systems) looks the same."""
        with self._lock:
            self._stamp = None

    def local(self, arxiv_id: str | None, look: bool = True) -> LocalPdf | None:
        """The downloaded PDF of a paper (the newest version there is), if any. `look=False`:
        as last listed, without a stat (for each row the list draws; a timer looks)."""
        if not arxiv_id:
            return None
        if look:
            self.refresh()
        with self._lock:
            return self._listing.get(arxiv_id)

    def downloaded(self) -> dict[str, LocalPdf]:
        self.refresh()
        with self._lock:
            return dict(self._listing)

    def target(self, arxiv_id: str, version: str = "") -> Path:
        return self.root / f"{file_stem(arxiv_id, version)}.pdf"

    def contains(self, path: Path) -> bool:
        """Whether `path` is a PDF file inside the library (after resolving links): the only
        files papertui ever hands to a viewer."""
        try:
            resolved = path.resolve(strict=True)
            root = self.root.resolve(strict=True)
        except OSError:
            return False
        return resolved.parent == root and resolved.suffix == ".pdf" and resolved.is_file()

    def full_text(self, arxiv_id: str) -> str | None:
        """The extracted text, lower case and with whitespace folded (read once, then kept)."""
        pdf = self.local(arxiv_id, look=False)  # callers list the directory first
        if pdf is None or not pdf.has_text:
            return None
        with self._lock:
            cached = self._texts.get(arxiv_id)
            if cached is not None and cached[0] == pdf.path:
                return cached[1]
        try:
            with open_regular(pdf.text_path) as file:
                text = " ".join(file.read(FULL_TEXT_BYTES).decode("utf-8", "replace").lower().split())
        except OSError:
            return None
        with self._lock:
            self._texts[arxiv_id] = (pdf.path, text)
        return text


def _version_number(version: str) -> int:
    # a file without a version was the newest when downloaded: below any explicit one
    return int(version[1:]) if version else 0


def _read_reason(path: Path) -> str:
    try:
        with open_regular(path) as file:
            said = file.read(REASON_BYTES).decode("utf-8", "replace")
    except OSError:
        return "no text"
    return printable(" ".join(said.split()))[:300] or "no text"


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")  # pragma: no cover

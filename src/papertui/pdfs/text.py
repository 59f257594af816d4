"""The text of a downloaded PDF, extracted with pdfium (pypdfium2: permissively licensed,
wheels for every platform, no system library) and kept beside the PDF, so each file is read
once. A damaged or encrypted PDF gets one line (in `ID.notext`) and stays openable.
"""

from __future__ import annotations

from dataclasses import dataclass

from papertui.corpus.text import strip_controls
from papertui.pdfs.store import LocalPdf, PdfStore
from papertui.state import write_atomically

MAX_PAGES = 400  # a thesis or a book chapter; past this the rest is not searched
MAX_CHARS = 4_000_000
PAGE_BREAK = "\f"


class NoText(Exception):
    """The PDF's text cannot be had; the message is one line that says why."""


class NoExtractor(NoText):
    """pypdfium2 is missing: nothing is wrong with the PDF, so nothing is remembered."""


def extract_text(pdf: LocalPdf) -> str:
    """Every page's text, pages separated by form feeds. Raises NoText."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise NoExtractor("pypdfium2 is not installed (pip install pypdfium2), so no text was extracted") from None
    try:
        document = pdfium.PdfDocument(str(pdf.path))
    except pdfium.PdfiumError as error:
        raise NoText(_why(str(error))) from None
    except OSError as error:
        raise NoText(f"cannot read it ({error.strerror or error})") from None
    pages: list[str] = []
    size = 0
    try:
        for number in range(min(len(document), MAX_PAGES)):
            page = document[number]
            try:
                text_page = page.get_textpage()
                try:
                    text = text_page.get_text_bounded()
                finally:
                    text_page.close()
            finally:
                page.close()
            pages.append(strip_controls(text.replace("\r\n", "\n")))
            size += len(pages[-1])
            if size > MAX_CHARS:
                break
    except pdfium.PdfiumError as error:
        if not pages:
            raise NoText(_why(str(error))) from None
    finally:
        document.close()
    return PAGE_BREAK.join(pages)


def _why(error: str) -> str:
    if "password" in error.lower():
        return "it is encrypted (it needs a password), so its text cannot be read; it still opens in a viewer"
    return f"pdfium cannot read it ({error.rstrip('.')}); it may be damaged, and still opens in a viewer"


@dataclass(frozen=True)
class TextOutcome:
    arxiv_id: str
    words: int  # 0 when there is no text
    problem: str | None  # one line, when there is no text


def ensure_text(store: PdfStore, pdf: LocalPdf) -> TextOutcome:
    """Extract and keep the text of `pdf` unless that was done (or tried) already."""
    if pdf.has_text:
        return TextOutcome(pdf.arxiv_id, -1, None)
    if pdf.no_text is not None:
        return TextOutcome(pdf.arxiv_id, 0, pdf.no_text)
    try:
        text = extract_text(pdf)
        outcome = TextOutcome(pdf.arxiv_id, len(text.split()), None)
        target, content = pdf.text_path, text
        if not text.strip():
            outcome = TextOutcome(pdf.arxiv_id, 0, "it holds no text (a scan, perhaps); it still opens in a viewer")
            target, content = pdf.no_text_path, outcome.problem or ""
    except NoExtractor as error:
        return TextOutcome(pdf.arxiv_id, 0, str(error))  # tried again once it is installed
    except NoText as error:
        outcome = TextOutcome(pdf.arxiv_id, 0, str(error))
        target, content = pdf.no_text_path, str(error)
    try:
        write_atomically(target, content)
    except OSError:
        pass  # a read-only library: extracted again next time, nothing lost
    store.forget_listing()
    return outcome


def missing_texts(store: PdfStore) -> list[LocalPdf]:
    """Downloaded PDFs whose text was never extracted (downloaded by hand, or before)."""
    return [pdf for pdf in store.downloaded().values() if not pdf.has_text and pdf.no_text is None]


def first_page(store: PdfStore, pdf: LocalPdf, lines: int = 12) -> list[str]:
    """The first non-empty lines of the first page, as extracted (for the detail pane)."""
    if not pdf.has_text:
        return []
    try:
        with open(pdf.text_path, encoding="utf-8", errors="replace") as file:
            head = file.read(8000)
    except OSError:
        return []
    page = head.split(PAGE_BREAK, 1)[0]
    return [line.strip() for line in page.splitlines() if line.strip()][:lines]

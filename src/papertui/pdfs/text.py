"""The text of a downloaded PDF, extracted with pdfium (pypdfium2: permissively licensed,
wheels for every platform, no system library) and kept beside the PDF, so each file is read
once. A damaged or encrypted PDF gets one line (in `ID.notext`) and stays openable.

pdfium runs in a child process (`pdfs/extractor.py`) within a budget, because a PDF is
untrusted input: a 300 KB file whose content stream inflates to 300 MB took 620 MB in
process, one of 200 KB made of text operators 3.4 GB and 6 s. The child caps its address
space and CPU time with `resource` (the address space is enforced on Linux; macOS takes the
limit but may not hold mmap to it, and Windows has no `resource`: there the deadline is what
holds) and is killed past the wall-clock deadline; a PDF over the budget gets its one line,
still opens, and is tried again only once the budget is raised. The budget, in the environment (whole numbers; 0 for no limit, anything else keeps
the default):
  PAPERTUI_PDF_TEXT_MEMORY_MB   address space of the child, default 384: a 36-page paper
                                takes 22 MB of RSS and 150 MB of address space, most of it
                                reserved and never touched; the 300 MB bomb stops at 311 MB of
                                RSS, so the app and its child stay under 500 MB for it
  PAPERTUI_PDF_TEXT_SECONDS     wall-clock (and CPU) seconds per PDF, default 60: a 36-page
                                paper takes 0.08 s, a child's start included
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import IO, Mapping

from papertui.corpus.text import printable
from papertui.pdfs import extractor
from papertui.pdfs.store import LocalPdf, PdfStore
from papertui.storage.regular_files import check_regular, open_regular
from papertui.storage.files import write_atomically

MAX_PAGES = 400  # a thesis or a book chapter; past this the rest is not searched
MAX_CHARS = 4_000_000
PAGE_BREAK = extractor.PAGE_BREAK
MEMORY_VARIABLE = "PAPERTUI_PDF_TEXT_MEMORY_MB"
SECONDS_VARIABLE = "PAPERTUI_PDF_TEXT_SECONDS"
DEFAULT_MEMORY_MB = 384
DEFAULT_SECONDS = 60
FIRST_PAGE_BYTES = 8000


class NoText(Exception):
    """The PDF's text cannot be had; the message is one line that says why."""


class NoExtractor(NoText):
    """pypdfium2 is missing, or the child cannot run: nothing is wrong with the PDF, so
    nothing is remembered and it is tried again next time."""


@dataclass(frozen=True)
class TextBudget:
    memory_mb: int = DEFAULT_MEMORY_MB  # the child's address space; 0: no limit
    seconds: int = DEFAULT_SECONDS  # wall clock, and CPU; 0: no limit


def text_budget(environ: Mapping[str, str] | None = None) -> TextBudget:
    """The budget the environment sets; a value that is not a whole number keeps the default."""
    environ = os.environ if environ is None else environ
    return TextBudget(
        _whole_number(environ.get(MEMORY_VARIABLE), DEFAULT_MEMORY_MB),
        _whole_number(environ.get(SECONDS_VARIABLE), DEFAULT_SECONDS),
    )


def _whole_number(text: str | None, default: int) -> int:
    text = (text or "").strip()
    # ASCII digits, and few: "²" passes isdigit() and fails int(), int() reads Arabic-Indic
    # digits, and 5,000 digits pass Python's int-to-str limit one way and not the other
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else default


def extractor_command(pdf: Path, budget: TextBudget) -> list[str]:
    """The child that reads `pdf` (the same interpreter, so the same pypdfium2). Its CPU
    limit is a second past the deadline: the parent's kill is the one that is meant to act."""
    cpu = budget.seconds + 1 if budget.seconds else 0
    return [sys.executable, "-m", extractor.__name__, str(pdf), str(budget.memory_mb), str(cpu), str(MAX_PAGES), str(MAX_CHARS)]


def extract_text(pdf: LocalPdf, budget: TextBudget | None = None) -> str:
    """Every page's text, pages separated by form feeds, read by a child process within
    `budget` (the environment's by default). Raises NoText."""
    budget = budget or text_budget()
    if not _has_pypdfium2():
        raise NoExtractor("pypdfium2 is not installed (pip install pypdfium2), so no text was extracted")
    try:
        check_regular(pdf.path)  # a FIFO would keep the child waiting until its deadline
    except OSError as error:
        raise NoText(f"cannot read it ({error.strerror or error})") from None
    try:
        with tempfile.TemporaryFile(prefix="papertui-text-") as output:
            status = _run_child(extractor_command(pdf.path, budget), output, budget)
            output.seek(0)
            data = output.read(MAX_CHARS * 4 + extractor.OUTPUT_SLACK)  # the child caps it too
    except OSError as error:  # the temporary directory is full or read-only: nothing about the PDF
        raise NoExtractor(f"cannot keep the extracted text in a temporary file ({error.strerror or error}), so none was extracted") from None
    said = data.decode("utf-8", "replace")
    if status == 0:
        return said
    raise _no_text(status, said, budget)


def _has_pypdfium2() -> bool:
    try:
        return find_spec("pypdfium2") is not None
    except (ImportError, ValueError, AttributeError):  # ValueError: hidden in sys.modules
        return False


def _run_child(command: list[str], output: IO[bytes], budget: TextBudget) -> int | None:
    """The child's exit status (negative: the signal that ended it), None when it was
    killed at the deadline."""
    try:
        # stdin stays open while we wait: the child ends when it closes (see extractor.py)
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=output, stderr=subprocess.DEVNULL)
    except OSError as error:
        raise NoExtractor(f"cannot start the text extractor {command[0]} ({error.strerror or error})") from None
    try:
        return child.wait(timeout=budget.seconds or None)
    except subprocess.TimeoutExpired:
        return None
    finally:
        if child.poll() is None:  # the deadline, or an interruption (Ctrl+C) of ours
            child.kill()
            child.wait()
        if child.stdin is not None:
            child.stdin.close()


def _no_text(status: int | None, said: str, budget: TextBudget) -> NoText:
    line = printable(" ".join(said.split()))[:300]
    if status == extractor.NO_TEXT and line:
        return NoText(line)
    if status == extractor.NO_EXTRACTOR and line:
        return NoExtractor(line)
    opens = "it still opens in a viewer"
    if status is None or status == -getattr(signal, "SIGXCPU", 0):
        return NoText(f"reading its text took longer than the {budget.seconds} s budget, so it was stopped; {opens} (${SECONDS_VARIABLE} raises the budget)")
    if status == extractor.OUT_OF_MEMORY or (status < 0 and budget.memory_mb):
        # pdfium aborts when an allocation fails: under the limit, that is the likely end
        how = "" if status == extractor.OUT_OF_MEMORY else f", pdfium stopped with {_signal_name(-status)}"
        return NoText(f"reading its text needed more than the {budget.memory_mb} MB memory budget{how}; {opens} (${MEMORY_VARIABLE} raises the budget)")
    if status < 0:
        return NoText(f"pdfium crashed on it ({_signal_name(-status)}); it may be damaged, and {opens}")
    # an exit status of the child's own (it failed to start: a broken install): try again later
    return NoExtractor(f"the text extractor ({sys.executable} -m {extractor.__name__}) failed with exit status {status}, so no text was extracted; it is tried again next time")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# How the two over-budget lines (above) name their budget, to try again under a larger one.
_OVER_MEMORY = re.compile(r"needed more than the ([0-9]{1,7}) MB memory budget")
_OVER_TIME = re.compile(r"took longer than the ([0-9]{1,7}) s budget")


def _budget_grew(reason: str, budget: TextBudget) -> bool:
    """Whether a PDF remembered as over the budget gets a larger one now (0: no limit), so
    that raising it, as its line says, is enough."""
    for pattern, now in ((_OVER_MEMORY, budget.memory_mb), (_OVER_TIME, budget.seconds)):
        found = pattern.search(reason)
        if found is not None:
            return now == 0 or now > int(found.group(1))
    return False


@dataclass(frozen=True)
class TextOutcome:
    arxiv_id: str
    words: int  # 0 when there is no text
    problem: str | None  # one line, when there is no text


def ensure_text(store: PdfStore, pdf: LocalPdf, budget: TextBudget | None = None) -> TextOutcome:
    """Extract and keep the text of `pdf` unless that was done (or tried) already."""
    if pdf.has_text:
        return TextOutcome(pdf.arxiv_id, -1, None)
    if pdf.no_text is not None and not _budget_grew(pdf.no_text, budget or text_budget()):
        return TextOutcome(pdf.arxiv_id, 0, pdf.no_text)
    try:
        text = extract_text(pdf, budget)
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
        if target.is_symlink():  # papertui writes these files itself: never through a link
            target.unlink()
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
        with open_regular(pdf.text_path) as file:  # a FIFO named ID.txt must not hang the pane
            head = file.read(FIRST_PAGE_BYTES).decode("utf-8", "replace")
    except OSError:
        return []
    page = head.split(PAGE_BREAK, 1)[0]
    return [line.strip() for line in page.splitlines() if line.strip()][:lines]

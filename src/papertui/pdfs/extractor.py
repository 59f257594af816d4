"""The child process that reads a PDF's text: `python -m papertui.pdfs.extractor`, started
by `pdfs/text.py` for each PDF (which imports this module only for its constants).

pdfium is C++ reading untrusted bytes: a content stream of a few hundred kilobytes may inflate
to gigabytes, or a page may take minutes. Here it runs alone, after this process has capped
its own address space, CPU time, the size of what it writes and its core dumps (where the
system has `resource`: Linux, macOS, which may not enforce the address space), so that such
a file costs a bounded child, never the app. The parent enforces the wall-clock deadline and
kills this process past it; when the parent goes away (the app quit), standard input closes
and this process ends at once. Nothing here imports Textual.

Usage: extractor PDF MEMORY_MB CPU_SECONDS MAX_PAGES MAX_CHARS (0 for no limit). Standard
output is a file: the text (pages separated by form feeds) with exit status 0, or one line
saying why there is none with NO_TEXT or NO_EXTRACTOR.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from typing import NoReturn

NO_TEXT = 3  # the PDF has no text to give: damaged, encrypted
NO_EXTRACTOR = 4  # pypdfium2 is not installed: nothing wrong with the PDF
OUT_OF_MEMORY = 5  # Python's own MemoryError under the address-space limit
PAGE_BREAK = "\f"
OUTPUT_SLACK = 1 << 16  # past MAX_CHARS in UTF-8 (4 bytes a character at most): room for a reason line


def limit_resources(memory_mb: int, cpu_seconds: int, output_bytes: int) -> None:
    """Cap this process before it reads a byte of the PDF. Where `resource` is missing
    (Windows) only the parent's deadline holds."""
    try:
        import resource
    except ImportError:
        return
    limits = [(getattr(resource, "RLIMIT_CORE", None), 0)]  # a crash of a 300 MB process writes no core
    if memory_mb:
        limits.append((getattr(resource, "RLIMIT_AS", None), memory_mb << 20))
    if cpu_seconds:
        limits.append((getattr(resource, "RLIMIT_CPU", None), cpu_seconds))
    if output_bytes:
        limits.append((getattr(resource, "RLIMIT_FSIZE", None), output_bytes))
    for which, value in limits:
        if which is None:
            continue
        try:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):
            pass  # macOS refuses RLIMIT_AS below what is mapped: the CPU limit and the deadline remain


def end_with_the_parent() -> None:
    """The parent holds our standard input open; at its end (the parent finished or died) go."""

    def watch() -> None:
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os._exit(1)

    threading.stack_size(1 << 18)  # it only reads: no need for the default 8 MB of address space
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def page_texts(path: str, max_pages: int, max_chars: int) -> list[str]:
    """Every page's text up to the limits (the text as pdfium reads it, controls removed).
    Raises the NoText-like SystemExit with its reason when there is nothing to give."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        finish(NO_EXTRACTOR, "pypdfium2 is not installed (pip install pypdfium2), so no text was extracted")
    from papertui.corpus.text import strip_controls

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        finish(NO_TEXT, why(str(error)))
    except OSError as error:
        if error.errno == errno.ENOMEM:
            raise MemoryError from None
        finish(NO_TEXT, f"cannot read it ({error.strerror or error})")
    pages: list[str] = []
    size = 0
    try:
        count = len(document) if not max_pages else min(len(document), max_pages)
        for number in range(count):
            page = document[number]
            try:
                text_page = page.get_textpage()
                try:
                    text = text_page.get_text_bounded()
                finally:
                    text_page.close()
            finally:
                page.close()
            # controls go (the form feed among them: it separates the pages in ID.txt)
            pages.append(strip_controls(text.replace("\r\n", "\n")))
            size += len(pages[-1])
            if max_chars and size > max_chars:
                pages[-1] = pages[-1][: max(0, len(pages[-1]) - (size - max_chars))]
                break
    except pdfium.PdfiumError as error:
        if not pages:
            finish(NO_TEXT, why(str(error)))
    finally:
        document.close()
    return pages


def why(error: str) -> str:
    error = " ".join(error.split())[:200]
    if "password" in error.lower():
        return "it is encrypted (it needs a password), so its text cannot be read; it still opens in a viewer"
    return f"pdfium cannot read it ({error.rstrip('.')}); it may be damaged, and still opens in a viewer"


def finish(status: int, text: str) -> NoReturn:
    out = sys.stdout.buffer
    out.write(text.encode("utf-8", "replace"))
    out.flush()
    os._exit(status)  # no interpreter teardown: pdfium's objects may be half made


def whole_number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else 0


def main(argv: list[str]) -> None:
    if len(argv) != 5:
        sys.stderr.write(__doc__ or "")
        os._exit(2)
    path = argv[0]
    memory_mb, cpu_seconds, max_pages, max_chars = (whole_number(value) for value in argv[1:])
    end_with_the_parent()  # first: a thread started under the limits could fail to start
    limit_resources(memory_mb, cpu_seconds, max_chars * 4 + OUTPUT_SLACK if max_chars else 0)
    try:
        pages = page_texts(path, max_pages, max_chars)
    except MemoryError:
        finish(OUT_OF_MEMORY, "out of memory")
    except OSError as error:
        if error.errno == errno.ENOMEM:  # pdfium's library itself cannot be mapped under the budget
            finish(OUT_OF_MEMORY, "out of memory")
        finish(NO_TEXT, why(f"{type(error).__name__}: {error}"))
    except Exception as error:  # noqa: BLE001 - pypdfium2 raising what it does not document: one line
        finish(NO_TEXT, why(f"{type(error).__name__}: {error}"))
    finish(0, PAGE_BREAK.join(pages))


if __name__ == "__main__":
    main(sys.argv[1:])

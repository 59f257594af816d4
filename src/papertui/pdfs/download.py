"""Downloading PDFs into the library, through the same polite client as the fetches (one
request every 3 s to arXiv, Retry-After honoured): a download goes to `ID.pdf.part`, resumes
from it when cut, and becomes `ID.pdf` only when whole and when it begins as a PDF does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from papertui.pdfs.store import LocalPdf, PdfStore, download_url, split_version
from papertui.pdfs.text import TextOutcome, ensure_text
from papertui.storage.regular_files import open_regular
from papertui.sources.http import VALIDATOR_SUFFIX, Client, FetchError, Unreachable

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Wanted:
    arxiv_id: str
    version: str = ""  # "v2": that version; "": the latest


@dataclass(frozen=True)
class Downloaded:
    arxiv_id: str
    pdf: LocalPdf | None  # None when it failed
    already: bool = False  # it was in the library before
    problem: str | None = None  # one line, when it failed
    text: TextOutcome | None = None


# (papers done, papers in all, the paper now, its bytes so far, its size if known)
DownloadProgress = Callable[[int, int, str, int, "int | None"], None]


def download_pdf(
    store: PdfStore, client: Client, wanted: Wanted, on_bytes: Callable[[int, int | None], None] = lambda done, total: None
) -> LocalPdf:
    """Download one PDF (unless it is there already). Raises FetchError or Stopped; a cut or
    stopped download leaves its `.part` to be resumed."""
    if split_version(wanted.arxiv_id + wanted.version) != (wanted.arxiv_id, wanted.version):
        # ids name files: only a well-formed one may (a hostile listing could hold `../x`)
        raise FetchError(f"{wanted.arxiv_id!r} is not an arXiv id; nothing was downloaded")
    target = store.target(wanted.arxiv_id, wanted.version)
    part = target.with_name(target.name + ".part")
    try:
        store.root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FetchError(f"cannot create the PDF library {store.root} ({error.strerror or error})") from None
    url = download_url(wanted.arxiv_id, wanted.version)
    client.download(url, part, on_bytes)
    try:
        with open_regular(part) as file:  # a FIFO left as ID.pdf.part must not hang us
            head = file.read(len(PDF_MAGIC))
    except OSError as error:
        raise FetchError(f"cannot read back {part} ({error.strerror or error})") from None
    if head != PDF_MAGIC:
        part.unlink(missing_ok=True)
        try:  # and its validator, if one was left (nothing of a refused download stays)
            part.with_name(part.name + VALIDATOR_SUFFIX).unlink(missing_ok=True)
        except OSError:
            pass  # a stale validator is checked before it is used (sources/http.py)
        shown = head.decode("ascii", "replace").encode("ascii", "replace").decode() or "nothing"
        raise FetchError(f"{url} did not send a PDF (it begins with {shown!r}); nothing was kept")
    try:
        os.replace(part, target)
    except OSError as error:
        raise FetchError(f"cannot move the download to {target} ({error.strerror or error})") from None
    store.forget_listing()
    pdf = store.local(wanted.arxiv_id)
    if pdf is None:  # pragma: no cover - renamed just now; only a concurrent delete gets here
        raise FetchError(f"{target} vanished right after the download")
    return pdf


def download_all(
    store: PdfStore, client: Client, wanted: list[Wanted], progress: DownloadProgress = lambda *args: None
) -> list[Downloaded]:
    """Each paper in turn, with its text extracted. A paper that fails is reported and the
    rest go on, unless the service cannot be reached at all. Stopped propagates."""
    results: list[Downloaded] = []
    for number, item in enumerate(wanted):
        present = store.local(item.arxiv_id)
        if present is not None and (not item.version or present.version == item.version):
            results.append(Downloaded(item.arxiv_id, present, already=True, text=ensure_text(store, present)))
            continue
        progress(number, len(wanted), item.arxiv_id, 0, None)
        try:
            pdf = download_pdf(
                store, client, item, lambda done, total: progress(number, len(wanted), item.arxiv_id, done, total)
            )
        except Unreachable as error:
            results.append(Downloaded(item.arxiv_id, None, problem=str(error)))
            results.extend(Downloaded(rest.arxiv_id, None, problem="not tried: the service cannot be reached") for rest in wanted[number + 1 :])
            break
        except FetchError as error:
            results.append(Downloaded(item.arxiv_id, None, problem=str(error)))
            continue
        results.append(Downloaded(item.arxiv_id, pdf, text=ensure_text(store, pdf)))
    progress(len(wanted), len(wanted), "", 0, None)
    return results

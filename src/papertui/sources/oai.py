"""Bulk harvests through arXiv's OAI-PMH service (ListRecords by set and datestamp), following
resumption tokens page by page. The token of the next page is kept in the library, so an
interrupted harvest resumes where it stopped.

Neither the server nor the state file is trusted: a token given twice in one harvest (a
server that would loop, storing the same page for ever) stops it with one line, and a state
file that is not what papertui wrote (junk, a FIFO, a directory, huge numbers) is said in
one line and the harvest starts over."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any
from urllib.parse import urlencode

from papertui.corpus.model import FileReport
from papertui.corpus.oai_pmh import parse_oai_page
from papertui.storage.regular_files import read_regular_text, shown
from papertui.sources.http import Client, FetchError
from papertui.sources.library import Library, LibraryError, record_key, slug
from papertui.sources.report import FetchReport, Progress, no_progress

BASE_VARIABLE = "PAPERTUI_ARXIV_OAI"
DEFAULT_BASE = "https://oaipmh.arxiv.org/oai"
STATE_FILE = "oai/.harvests.json"
STATE_LIMIT = 1 << 20
METADATA_FORMATS = ("oai_dc", "arXiv", "arXivRaw")
MAX_TOKEN = 2000  # arXiv's tokens are a dozen characters; a longer one goes in no URL
MAX_PAGES = 1_000_000  # arXiv holds 2.5 million papers, 1,000 a page
MAX_SIZE = 1_000_000_000
MAX_PAGES_WITHOUT_NEWS = 3  # a server handing out fresh tokens for pages it already gave
MAX_PAST_TOTAL = 1_000  # papers beyond the completeListSize a server announced (a page's slack)


def base_url() -> str:
    return os.environ.get(BASE_VARIABLE, DEFAULT_BASE)


def harvest(
    set_spec: str,
    client: Client,
    library: Library,
    *,
    since: date | None = None,
    until: date | None = None,
    metadata: str = "oai_dc",
    progress: Progress = no_progress,
) -> FetchReport:
    name = slug(f"{set_spec}-{since or 'start'}-{until or 'now'}-{metadata}")
    report = FetchReport(f"arXiv OAI-PMH set {set_spec}")
    token, page_number, total = resume_point(library, name, report)
    if token:
        report.note(f"resuming the harvest at page {page_number + 1}, where it stopped")
    tokens = {token} if token else set()  # every token of this harvest: one given twice would loop
    stored_keys: set[str] = set()  # papers stored by this harvest: a page given twice adds none
    pages_without_news = 0  # pages in a row that held no paper this harvest had not stored yet
    while True:
        if token:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata, "set": set_spec}
            if since:
                params["from"] = since.isoformat()
            if until:
                params["until"] = until.isoformat()
        progress(report.source, page_number, _pages(total))
        text = client.get(f"{base_url()}?{urlencode(params)}").decode("utf-8", errors="replace")
        report.requests = client.requests
        parsed = FileReport("OAI-PMH")
        page = parse_oai_page(text, parsed)
        for warning in parsed.warnings:
            report.note(warning.split(": ", 1)[-1])
        if page.error:
            code, message = page.error
            if code == "noRecordsMatch":
                report.note(f"no records match set {set_spec}" + (f" from {since}" if since else "") + (f" until {until}" if until else ""))
                break
            if code == "badResumptionToken":
                _forget(library, name)
                raise FetchError("the harvest's resumption token has expired (OAI-PMH badResumptionToken); run the same command again to start over")
            raise FetchError(f"the OAI-PMH service answered {code}: {message}")
        page_number += 1
        records = [record for record in page.records if record_key(record) not in stored_keys]
        if records:
            stored = library.store(f"oai/{name}/page-{page_number:04d}.jsonl", records)
            for warning in stored.warnings:  # its lines that could not be read, kept aside
                report.note(warning)
            stored_keys.update(record_key(record) for record in records)
            report.papers += len(records)
            report.new += stored.new
            report.files.append(str(stored.path))
        elif not page.records and parsed.warnings:
            report.unreadable += 1
        total = page.complete_size or total
        token = page.token
        if not token:
            _forget(library, name)
            break
        pages_without_news = 0 if records else pages_without_news + 1
        past_total = total is not None and len(stored_keys) > total + MAX_PAST_TOTAL
        if pages_without_news >= MAX_PAGES_WITHOUT_NEWS or past_total or page_number >= MAX_PAGES:
            # Fresh tokens for ever: pages already seen again, or more papers than the list said it held.
            _forget(library, name)
            why = (
                f"gave {pages_without_news} pages in a row with no paper it had not given before"
                if pages_without_news >= MAX_PAGES_WITHOUT_NEWS
                else f"gave more papers than the {total:,} it said the list holds" if past_total
                else f"gave {page_number:,} pages"
            )
            raise FetchError(
                f"the OAI-PMH service {why}, which would never end; the harvest stops here, "
                f"{report.papers:,} papers stored are kept"
            )
        if token in tokens or len(token) > MAX_TOKEN:
            _forget(library, name)
            again = "gave a resumption token it had given before" if token in tokens else f"gave a resumption token of {len(token):,} characters"
            raise FetchError(
                f"the OAI-PMH service {again} (page {page_number}), which would never end; the harvest stops here, "
                f"{report.papers:,} papers stored are kept"
            )
        tokens.add(token)
        entry = {"token": token, "page": page_number, "size": total}
        library.update_state(STATE_FILE, lambda harvests: {**harvests, name: entry})  # resume from here if stopped
    progress(report.source, page_number, page_number)
    return report


def read_harvests(library: Library) -> tuple[dict[str, Any], str | None]:
    """The harvests in progress, and a one-line problem when the file is not what papertui
    writes (then {}: every harvest starts over). Only a regular file is read."""
    path = library.root / STATE_FILE
    try:
        data = json.loads(read_regular_text(path, STATE_LIMIT))
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return {}, f"cannot read the harvest state {shown(path)} ({error.strerror or error})"
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
        return {}, f"the harvest state {shown(path)} is not JSON"
    if not isinstance(data, dict):
        return {}, f"the harvest state {shown(path)} is not what papertui writes"
    return data, None


def resume_point(library: Library, name: str, report: FetchReport) -> tuple[str | None, int, int | None]:
    """(token, pages done, records in all) of the harvest `name` when it was stopped; (None,
    0, None) to start over, said in one line when the state was there but not readable."""
    harvests, problem = read_harvests(library)
    entry = harvests.get(name)
    if problem is None and entry is None:
        return None, 0, None
    if problem is None:
        token = entry.get("token") if isinstance(entry, dict) else None
        page = entry.get("page") if isinstance(entry, dict) else None
        size = entry.get("size") if isinstance(entry, dict) else None
        if (
            isinstance(token, str)
            and 0 < len(token) <= MAX_TOKEN
            and token.isprintable()
            and _whole(page, MAX_PAGES)
            and (size is None or _whole(size, MAX_SIZE))
        ):
            return token, page, size
        problem = f"the harvest state {shown(library.root / STATE_FILE)} holds no usable entry for this harvest"
    report.note(f"{problem}; the harvest starts over from its first page")
    try:  # a safe state from now on: the bad entry, or the whole unreadable file, is replaced
        library.update_state(STATE_FILE, lambda current: {key: value for key, value in current.items() if key != name})
    except LibraryError:
        pass  # a directory in its place: saving the first token says so, in one line
    return None, 0, None


def _whole(value: object, maximum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum


def _pages(total: int | None) -> int | None:
    return None if not total else -(-total // 1000)


def _forget(library: Library, name: str) -> None:
    harvests, _ = read_harvests(library)
    if name in harvests:
        library.update_state(STATE_FILE, lambda current: {key: value for key, value in current.items() if key != name})

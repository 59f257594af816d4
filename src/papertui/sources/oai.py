"""Bulk harvests through arXiv's OAI-PMH service (ListRecords by set and datestamp), following
resumption tokens page by page. The token of the next page is kept in the library, so an
interrupted harvest resumes where it stopped."""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlencode

from papertui.corpus.model import FileReport
from papertui.corpus.oai_pmh import parse_oai_page
from papertui.sources.http import Client, FetchError
from papertui.sources.library import Library, slug
from papertui.sources.report import FetchReport, Progress, no_progress

BASE_VARIABLE = "PAPERTUI_ARXIV_OAI"
DEFAULT_BASE = "https://oaipmh.arxiv.org/oai"
STATE_FILE = "oai/.harvests.json"
METADATA_FORMATS = ("oai_dc", "arXiv", "arXivRaw")


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
    harvests = library.state(STATE_FILE)
    resumed = harvests.get(name) if isinstance(harvests.get(name), dict) else None
    token: str | None = resumed.get("token") if resumed else None
    page_number = int(resumed.get("page", 0)) if resumed else 0
    total: int | None = resumed.get("size") if resumed else None
    if token:
        report.note(f"resuming the harvest at page {page_number + 1}, where it stopped")
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
                _forget(library, harvests, name)
                raise FetchError("the harvest's resumption token has expired (OAI-PMH badResumptionToken); run the same command again to start over")
            raise FetchError(f"the OAI-PMH service answered {code}: {message}")
        page_number += 1
        if page.records:
            stored = library.store(f"oai/{name}/page-{page_number:04d}.jsonl", page.records)
            report.papers += len(page.records)
            report.new += stored.new
            report.files.append(str(stored.path))
        total = page.complete_size or total
        token = page.token
        if not token:
            _forget(library, harvests, name)
            break
        harvests[name] = {"token": token, "page": page_number, "size": total}
        library.save_state(STATE_FILE, harvests)  # resume from here if stopped
    progress(report.source, page_number, page_number)
    return report


def _pages(total: int | None) -> int | None:
    return None if not total else -(-total // 1000)


def _forget(library: Library, harvests: dict, name: str) -> None:
    if harvests.pop(name, None) is not None:
        library.save_state(STATE_FILE, harvests)

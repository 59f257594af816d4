"""arXiv: the day's announcement from the RSS feeds, back-fills and searches through the API,
and papers by id (`papertui add`)."""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlencode

from papertui.corpus.arxiv_atom import parse_arxiv_atom
from papertui.corpus.arxiv_rss import announced_on, feed_items
from papertui.corpus.model import FileReport, Record
from papertui.resolve import api_url  # the one place the API's address is read
from papertui.sources.http import Client
from papertui.sources.library import Library, slug
from papertui.sources.report import FetchReport, Progress, no_progress

RSS_VARIABLE = "PAPERTUI_ARXIV_RSS"
DEFAULT_RSS = "https://rss.arxiv.org"
PAGE = 2000  # the API's largest page
MAX_RESULTS = 30_000  # the API's most results for one query
ID_BATCH = 100


def rss_url() -> str:
    return os.environ.get(RSS_VARIABLE, DEFAULT_RSS).rstrip("/")


def fetch_announcement(categories: list[str], client: Client, library: Library, progress: Progress = no_progress) -> FetchReport:
    """The latest announcement of `categories` (one feed: `/rss/cs.CL+cs.LG`): new and cross
    listings are papers; replacements update a paper already stored (or add it)."""
    feed = "+".join(categories)
    report = FetchReport(f"arXiv {feed} (RSS)")
    progress(f"arXiv RSS {feed}", 0, 1)
    text = client.get(f"{rss_url()}/rss/{feed}").decode("utf-8", errors="replace")
    report.requests = client.requests
    parsed = FileReport(f"arXiv RSS {feed}")
    items = [item for item in feed_items(text, parsed) if item.record.arxiv_id]
    for warning in parsed.warnings:
        report.note(warning)
    if not items:
        if parsed.warnings:
            report.unreadable += 1  # a broken or refused feed, not a quiet day
        else:
            report.note(f"the {feed} feed is empty today: arXiv announces nothing on Saturdays, Sundays and holidays")
        return report
    day = announced_on(text) or date.today().isoformat()
    # The version travels with the record (`Record.version`); the announce type lets a
    # replacement that names no version still count as a new one.
    extra = {item.record.arxiv_id or "": {"announce": item.announce} for item in items}
    stored = library.store(f"arxiv-rss/{day}-{slug(feed)}.jsonl", [item.record for item in items], extra)
    for warning in stored.warnings:  # its lines that could not be read, kept aside
        report.note(warning)
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item.announce] = kinds.get(item.announce, 0) + 1
    report.papers, report.new = len(items), stored.new
    report.files.append(str(stored.path))
    report.note(f"announced {day}: " + ", ".join(f"{count} {kind}" for kind, count in kinds.items()))
    progress(f"arXiv RSS {feed}", 1, 1)
    return report


def fetch_search(
    query: str,
    client: Client,
    library: Library,
    *,
    since: date | None = None,
    limit: int = MAX_RESULTS,
    name: str | None = None,
    progress: Progress = no_progress,
) -> FetchReport:
    """An API search, newest submissions first, in pages of up to 2,000: until `since` (a
    back-fill), `limit` results, or the API's 30,000. Stored a file per month submitted."""
    report = FetchReport(name or f"arXiv search {query!r}")
    limit = min(limit, MAX_RESULTS)
    kept: list[Record] = []
    start = 0
    while start < limit:
        size = min(PAGE, limit - start)
        progress(report.source, start, limit)
        params = {"search_query": query, "sortBy": "submittedDate", "sortOrder": "descending", "start": start, "max_results": size}
        text = client.get(f"{api_url()}?{urlencode(params)}").decode("utf-8", errors="replace")
        report.requests = client.requests
        parsed = FileReport("arXiv API")
        page = list(parse_arxiv_atom(text, parsed))
        for warning in parsed.warnings:
            report.note(warning.split(": ", 1)[-1])
        if not page and parsed.warnings:
            report.unreadable += 1
        fresh = [record for record in page if since is None or (record.published or "") >= since.isoformat()]
        kept += fresh
        if len(page) < size or len(fresh) < len(page):
            break  # the last page, or the date was passed
        start += size
    by_month: dict[str, list[Record]] = {}
    for record in kept:
        by_month.setdefault((record.published or "undated")[:7], []).append(record)
    for month, records in sorted(by_month.items()):
        stored = library.store(f"arxiv-api/{slug(query)}/{month}.jsonl", records)
        for warning in stored.warnings:  # its lines that could not be read, kept aside
            report.note(warning)
        report.new += stored.new
        report.files.append(str(stored.path))
    report.papers = len(kept)
    if not kept:
        report.note("the API found no papers" + (f" submitted since {since}" if since else ""))
    return report


def fetch_ids(ids: list[str], client: Client, library: Library, progress: Progress = no_progress) -> FetchReport:
    """Papers by arXiv id, up to 100 a request, into `added.jsonl`."""
    report = FetchReport("arXiv ids")
    found: list[Record] = []
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        progress("arXiv ids", start, len(ids))
        params = {"id_list": ",".join(batch), "max_results": len(batch)}
        text = client.get(f"{api_url()}?{urlencode(params)}").decode("utf-8", errors="replace")
        report.requests = client.requests
        parsed = FileReport("arXiv API")
        records = [record for record in parse_arxiv_atom(text, parsed) if record.arxiv_id]
        for warning in parsed.warnings:
            report.note(warning.split(": ", 1)[-1])
        if not records and parsed.warnings:
            report.unreadable += 1
        found += records
        missing = set(batch) - {record.arxiv_id for record in records}
        for arxiv_id in sorted(missing):
            report.note(f"{arxiv_id}: arXiv has no paper by this id")
    if found:
        stored = library.store("added.jsonl", found)
        for warning in stored.warnings:  # its lines that could not be read, kept aside
            report.note(warning)
        report.new = stored.new
        report.files.append(str(stored.path))
    report.papers = len(found)
    return report

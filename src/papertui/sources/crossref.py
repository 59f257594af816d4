"""Crossref: a work by its DOI (`GET /works/{doi}`), for `papertui add DOI`.

The base address is `$PAPERTUI_CROSSREF_API` (default https://api.crossref.org). Crossref
asks API users to be polite: say who they are with a mailto in the User-Agent, and it
serves those from a more reliable pool. The mailto is the config file's `[crossref] mailto`
(or `$PAPERTUI_CROSSREF_MAILTO`); without one papertui asks anonymously. One request a
second, through papertui's bounded client (size cap, deadline, Retry-After on 429 and 503).

Crossref's answer (`{"status": "ok", "message-type": "work", "message": {...}}`, its schema in
the CrossRef/rest-api-doc repository's api_format.md) is read one field at a time: any field
may be missing or of another type, and is then unknown; the abstract is JATS XML
(`<jats:p>…</jats:p>`), read as text. The work's arXiv id comes from its `relation`
(`has-preprint`, `is-preprint-of`, … an arXiv DOI or id), its `alternative-id`, or a
`link` to arxiv.org.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable
from urllib.parse import quote

from papertui import __version__
from papertui.corpus.records import make_record
from papertui.corpus.reference import (
    Reference,
    abstract_text,
    arxiv_id_from_doi,
    arxiv_id_in_text,
    clean_doi,
    cleaned,
    date_from_parts,
    doi_link,
    strip_markup,
    year_of,
)
from papertui.links import arxiv_id_from_url, parse_arxiv_id
from papertui.sources.http import Client, FetchError, Throttle
from papertui.sources.library import Library
from papertui.sources.report import FetchReport, Progress, no_progress

BASE_VARIABLE = "PAPERTUI_CROSSREF_API"
MAILTO_VARIABLE = "PAPERTUI_CROSSREF_MAILTO"
DEFAULT_BASE = "https://api.crossref.org"
NAME = "Crossref"
INTERVAL = 1.0  # seconds between requests: Crossref's public pool allows far more; one is enough here
MAX_TEXT = 100_000
MAX_AUTHORS = 2_000
ADDED_FILE = "added.jsonl"  # where `papertui add` keeps papers added by id, arXiv's and Crossref's alike
# Crossref's dates of a work, the one a reader cites first.
_DATES = ("published", "issued", "published-print", "published-online", "posted", "created")


class AnswerError(FetchError):
    """Crossref's answer cannot be read as a work; the message is one line."""


class NotFound(FetchError):
    """Crossref knows no work by this DOI."""


def base_url() -> str:
    return (os.environ.get(BASE_VARIABLE) or DEFAULT_BASE).rstrip("/")


def mailto(config: dict[str, Any] | None = None) -> tuple[str | None, str | None]:
    """The address to name in the User-Agent ($PAPERTUI_CROSSREF_MAILTO, else the config's
    `[crossref] mailto`), and a one-line problem when the one given cannot be used."""
    value: Any = os.environ.get(MAILTO_VARIABLE)
    where = f"${MAILTO_VARIABLE}"
    if not value:
        if config is None:
            from papertui.sources.config import read_config

            config, _ = read_config()  # an unreadable config is the command's to report
        table = config.get("crossref")
        value = table.get("mailto") if isinstance(table, dict) else None
        where = "[crossref] mailto in the config file"
    if value is None or value == "":
        return None, None
    if not _is_address(value):
        return None, f"{where} is not an e-mail address (as you@example.org); asking Crossref without one"
    return value.strip(), None


def _is_address(value: Any) -> bool:
    """One header-safe word with a local part and a domain: nothing that could end the
    User-Agent's parentheses or start another header."""
    if not isinstance(value, str):
        return False
    value = value.strip()
    local, at, domain = value.partition("@")
    return (
        bool(local) and bool(at) and "." in domain and len(value) <= 254 and value.isascii() and value.isprintable()
        and not any(char in value for char in " ()<>;,\"\\")
    )  # fmt: skip


def user_agent(address: str | None) -> str:
    """papertui's User-Agent, with `mailto:` as Crossref's etiquette asks when there is one."""
    contact = f"; mailto:{address}" if address else ""
    return f"papertui/{__version__} (a terminal browser for research papers{contact})"


def client(
    *, stop: Callable[[], bool] = lambda: False, throttle: Throttle | None = None, config: dict[str, Any] | None = None
) -> tuple[Client, list[str]]:
    """A client for Crossref with the configured mailto, and one line for each setting ignored."""
    address, problem = mailto(config)
    http = Client(NAME, throttle or Throttle(INTERVAL), stop, headers={"User-Agent": user_agent(address)})
    return http, ([problem] if problem else []) + list(getattr(http.limits, "problems", ()))


def lookup(doi: str, http: Client, base: str | None = None) -> Reference:
    """The work Crossref has for `doi`. Raises NotFound, AnswerError or another FetchError
    (one line), or Stopped."""
    found = clean_doi(doi)
    if found is None:
        raise ValueError(f"not a DOI: {doi!r}")
    url = f"{(base or base_url()).rstrip('/')}/works/{quote(found, safe='/')}"
    try:
        body = http.get(url)
    except FetchError as error:
        if "HTTP 404" in str(error):
            raise NotFound(f"Crossref knows no work with the DOI {found}") from None
        raise
    return work_reference(_message(body, found))


def _message(body: bytes, doi: str) -> Any:
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise AnswerError(f"Crossref's answer for {doi} is not JSON ({' '.join(str(error).split())[:80]})") from None
    message = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(message, dict) or answer.get("status", "ok") != "ok":
        raise AnswerError(f"Crossref's answer for {doi} holds no work (not a message object with status ok)")
    return message


def work_reference(work: dict[str, Any]) -> Reference:
    """A Crossref work object as a `Reference`: its record (title, authors, abstract, date,
    the DOI as a doi.org link, the arXiv id when it has one), DOI, venue, year and type."""
    doi = clean_doi(_text(work.get("DOI")))
    title = _text(work.get("title"))
    subtitle = _text(work.get("subtitle"))
    if title and subtitle:
        title = f"{title}: {subtitle}"
    published = next(filter(None, (_date(work.get(key)) for key in _DATES)), None)
    links = [doi_link(doi)] if doi and not arxiv_id_from_doi(doi) else []
    resource = _get(work, "resource", "primary", "URL")
    if isinstance(resource, str) and resource.startswith(("http://", "https://")) and not arxiv_id_from_url(resource):
        links.append(resource[:2_000])
    record = make_record(
        abstract_text(_text(work.get("abstract"))),
        title=strip_markup(title) or None,
        arxiv_id=arxiv_id_from_doi(doi) or _arxiv_id(work),
        authors=_authors(work.get("author")),
        published=published,
        links=links,
    )
    venue = cleaned(_text(work.get("container-title"))) or cleaned(_text(_get(work, "institution", "name")))
    return Reference(record, doi=doi, venue=venue, year=year_of(published), kind=cleaned(_text(work.get("type")), 40))


def _get(value: Any, *path: str) -> Any:
    for name in path:
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _text(value: Any) -> str:
    """A string field; Crossref gives titles and container titles as lists: the first."""
    if isinstance(value, list):
        value = next((item for item in value[:20] if isinstance(item, str) and item.strip()), None)
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _string(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _authors(value: Any) -> list[str]:
    names = []
    for author in value[:MAX_AUTHORS] if isinstance(value, list) else ():
        if not isinstance(author, dict):
            continue
        given, family, suffix = (_string(author.get(key), limit) for key, limit in (("given", 500), ("family", 500), ("suffix", 50)))
        name = " ".join(part for part in (given, family, suffix) if part.strip())
        names.append(name or _string(author.get("name"), 500))  # an organisation has a `name`
    return [name for name in names if name.strip()]


def _date(value: Any) -> str | None:
    parts = _get(value, "date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        return date_from_parts(parts[0][:3])
    return None


def _arxiv_id(work: dict[str, Any]) -> str | None:
    relation = work.get("relation")
    if isinstance(relation, dict):
        for items in list(relation.values())[:50]:
            for item in items[:50] if isinstance(items, list) else ():
                if not isinstance(item, dict):
                    continue
                kind, value = _text(item.get("id-type")).lower(), _text(item.get("id"))[:300]
                found = (
                    arxiv_id_from_doi(clean_doi(value)) if kind == "doi"
                    else parse_arxiv_id(value) if kind == "arxiv"
                    else arxiv_id_from_url(value) if kind == "uri"
                    else None
                )  # fmt: skip
                if found:
                    return found
    alternatives = work.get("alternative-id")
    for value in alternatives[:50] if isinstance(alternatives, list) else ():
        found = arxiv_id_in_text(value[:300]) if isinstance(value, str) else None
        if found:
            return found
    links = work.get("link")
    for link in links[:50] if isinstance(links, list) else ():
        url = _text(link.get("URL"))[:2_000] if isinstance(link, dict) else ""
        if url and arxiv_id_from_url(url):
            return arxiv_id_from_url(url)
    return None


def fetch_dois(dois: list[str], http: Client, library: Library, progress: Progress = no_progress, base: str | None = None) -> FetchReport:
    """Works by DOI into `added.jsonl`, one request each. A DOI Crossref does not know, or
    whose answer cannot be read, is said and skipped; no answer at all stops the run
    (FetchError) before anything is stored."""
    report = FetchReport("Crossref DOIs")
    found = []
    for number, doi in enumerate(dois):
        progress("Crossref", number, len(dois))
        try:
            reference = lookup(doi, http, base)
        except (NotFound, AnswerError) as error:
            report.note(str(error))
            report.unreadable += isinstance(error, AnswerError)
            continue
        finally:
            report.requests = http.requests
        if reference.record.title is None and not reference.record.abstract:
            report.note(f"{doi}: Crossref's work has no title and no abstract; not added")
            continue
        found.append(reference.record)
    progress("Crossref", len(dois), len(dois))
    if found:
        stored = library.store(ADDED_FILE, found)
        for warning in stored.warnings:
            report.note(warning)
        report.new = stored.new
        report.files.append(str(stored.path))
    report.papers = len(found)
    return report

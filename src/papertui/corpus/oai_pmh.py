"""arXiv's OAI-PMH answers (oaipmh.arxiv.org/oai): ListRecords and GetRecord pages with
metadata in `oai_dc`, `arXiv` or `arXivRaw` format, a resumption token for the next page,
or an `<error>` (noRecordsMatch, badResumptionToken, …)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.versions import latest, version_number

FORMAT = "arxiv-oai"

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"
_AUTHORS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def looks_like(head: str) -> bool:
    start = head.lstrip("\ufeff \t\r\n")
    return start.startswith(("<?xml", "<OAI-PMH")) and "<OAI-PMH" in head


@dataclass
class OaiPage:
    records: list[Record] = field(default_factory=list)
    token: str | None = None  # the next page's resumption token; None or "" on the last page
    complete_size: int | None = None  # how many records the whole list holds, when said
    error: tuple[str, str] | None = None  # (code, message)
    deleted: int = 0


def parse_oai_page(text: str, report: FileReport) -> OaiPage:
    page = OaiPage()
    if "<!ENTITY" in text:
        report.warn("declares XML entities, which an OAI-PMH answer never does; skipped")
        return page
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        report.warn(f"the XML is broken ({error}); nothing could be read")
        return page
    error = root.find(f"{OAI}error")
    if error is not None:
        page.error = (error.get("code", "error"), " ".join((error.text or "").split()))
        return page
    for number, record in enumerate(root.iter(f"{OAI}record"), 1):
        header = record.find(f"{OAI}header")
        if header is not None and header.get("status") == "deleted":
            page.deleted += 1
            continue
        found = _record(record, number, report)
        if found is not None:
            page.records.append(found)
    token = root.find(f".//{OAI}resumptionToken")
    if token is not None:
        page.token = (token.text or "").strip() or None
        size = token.get("completeListSize", "")
        page.complete_size = int(size) if size.isdigit() else None
    return page


def parse_arxiv_oai(text: str, report: FileReport) -> Iterator[Record]:
    page = parse_oai_page(text, report)
    if page.error:
        report.warn(f"the OAI-PMH service answered {page.error[0]}: {page.error[1]}")
    yield from page.records


def _record(record: ET.Element, number: int, report: FileReport) -> Record | None:
    identifier = record.findtext(f"{OAI}header/{OAI}identifier") or ""
    arxiv_id = identifier.rsplit(":", 1)[-1] if identifier.startswith("oai:arXiv.org:") else None
    metadata = record.find(f"{OAI}metadata")
    if metadata is None or not len(metadata):
        report.warn(f"record {number}: no metadata; skipped")
        return None
    body = metadata[0]
    if body.tag == f"{ARXIV}arXiv":
        fields = _arxiv(body)
    elif body.tag == f"{ARXIV_RAW}arXivRaw":
        fields = _arxiv_raw(body)
    else:
        fields = _dublin_core(body, record)
    if not fields["title"].strip() and not fields["abstract"].strip():
        report.warn(f"record {number}: no title and no abstract; skipped")
        return None
    version = fields.pop("version", None)
    found = make_record(
        fields.pop("abstract"),
        title=fields.pop("title") or None,
        arxiv_id=fields.pop("arxiv_id") or arxiv_id,
        latex=True,
        **fields,
    )
    found.version = version if found.arxiv_id else None
    return found


def _dublin_core(body: ET.Element, record: ET.Element) -> dict:
    descriptions = [d.text or "" for d in body.findall(f"{DC}description")]
    abstract = next((d for d in descriptions if not d.lstrip().startswith("Comment:")), "")
    creators = [_first_last(c.text or "") for c in body.findall(f"{DC}creator")]
    dates = [d.text or "" for d in body.findall(f"{DC}date")]
    sets = [s.text or "" for s in record.findall(f"{OAI}header/{OAI}setSpec")]
    return {
        "title": body.findtext(f"{DC}title") or "",
        "abstract": abstract,
        "arxiv_id": next((i.text for i in body.findall(f"{DC}identifier") if i.text and "arxiv.org/abs/" in i.text), None),
        "authors": creators,
        "categories": [_set_category(s) for s in sets if s],
        "published": dates[0] if dates else None,
    }


def _arxiv(body: ET.Element) -> dict:
    authors = []
    for author in body.findall(f"{ARXIV}authors/{ARXIV}author"):
        names = [author.findtext(f"{ARXIV}forenames") or "", author.findtext(f"{ARXIV}keyname") or "", author.findtext(f"{ARXIV}suffix") or ""]
        authors.append(" ".join(name for name in names if name))
    return {
        "title": body.findtext(f"{ARXIV}title") or "",
        "abstract": body.findtext(f"{ARXIV}abstract") or "",
        "arxiv_id": body.findtext(f"{ARXIV}id"),
        "authors": authors,
        "categories": (body.findtext(f"{ARXIV}categories") or "").split(),
        "published": body.findtext(f"{ARXIV}created"),
    }


def _arxiv_raw(body: ET.Element) -> dict:
    first = body.findtext(f"{ARXIV_RAW}version/{ARXIV_RAW}date") or ""
    try:
        published = parsedate_to_datetime(first).date().isoformat() if first else None
    except (TypeError, ValueError):
        published = None
    authors = body.findtext(f"{ARXIV_RAW}authors") or ""
    return {
        "title": body.findtext(f"{ARXIV_RAW}title") or "",
        "abstract": body.findtext(f"{ARXIV_RAW}abstract") or "",
        "arxiv_id": body.findtext(f"{ARXIV_RAW}id"),
        "authors": [name for name in _AUTHORS.split(" ".join(authors.split())) if name],
        "categories": (body.findtext(f"{ARXIV_RAW}categories") or "").split(),
        "published": published,
        # Every version is listed (`<version version="v5">`): the paper is at the highest.
        "version": latest(*(version_number(v.get("version")) for v in body.findall(f"{ARXIV_RAW}version"))),
    }


def _first_last(name: str) -> str:
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if comma else name.strip()


def _set_category(spec: str) -> str:
    """`cs`, `cs:cs:CL` → `cs`, `cs.CL`; `physics:hep-th` → `hep-th`."""
    parts = spec.split(":")
    if len(parts) == 3 and parts[0] == parts[1]:
        return f"{parts[1]}.{parts[2]}"
    return parts[-1]

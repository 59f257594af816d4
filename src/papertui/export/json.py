"""Papers as JSON objects: `papertui list --format json/jsonl`, `--print-format json` and the
app's export. `papertui` reads these objects back (the papers-json and json-lines formats)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from papertui.corpus.model import Paper
from papertui.links import abs_url, pdf_url

if TYPE_CHECKING:
    from papertui.export import CitationsOf, MarksOf
    from papertui.sources.citations.model import Citations
    from papertui.marks.store import Marks

# What Semantic Scholar says (`papertui enrich`), null when unknown or never asked.
CITATION_FIELDS = ("citation_count", "influential_citation_count", "reference_count", "tldr", "venue", "year", "doi", "s2_id")


def paper_record(paper: Paper, marks: Marks | None = None, citations: Citations | None = None) -> dict[str, Any]:
    """The JSON object for one paper. Its DOI and venue are its sources' own, else Semantic Scholar's."""
    record = {
        "title": paper.title,
        "title_derived": paper.title_derived,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "abs_url": abs_url(paper.arxiv_id) if paper.arxiv_id else None,
        "pdf_url": pdf_url(paper.arxiv_id) if paper.arxiv_id else None,
        "listed": paper.listed,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "published": paper.published,
        "upvotes": paper.upvotes,
        "github_stars": paper.github_stars,
        "comments": paper.comments,
        "first_seen": paper.first_seen,
        "id_resolved_from": paper.resolved_from,
        "version": paper.version,  # the latest arXiv version known (a number), or null
        "links": list(paper.links),
        "sources": [
            {"file": source.path, "record": source.record, "format": source.format}
            for source in paper.sources
        ],
        "marks": None
        if marks is None
        else {"starred": marks.starred, "read": marks.read, "tags": list(marks.tags), "note": marks.note},
        **citation_record(citations),
    }
    record["doi"] = paper.doi or record["doi"]
    record["venue"] = paper.venue or record["venue"]
    record["collections"] = list(paper.collections)
    record["in_zotero"] = paper.in_zotero
    return record


def citation_record(citations: Citations | None) -> dict[str, Any]:
    if citations is None or not citations.found:
        return dict.fromkeys(CITATION_FIELDS)
    return {
        "citation_count": citations.citation_count,
        "influential_citation_count": citations.influential_citation_count,
        "reference_count": citations.reference_count,
        "tldr": citations.tldr,
        "venue": citations.venue_or_journal,
        "year": citations.year,
        "doi": citations.doi,
        "s2_id": citations.s2_id,
    }


def json_array(papers: Iterable[Paper], marks_of: MarksOf, citations_of: CitationsOf) -> str:
    records = [paper_record(p, marks_of(p), citations_of(p)) for p in papers]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def json_lines(papers: Iterable[Paper], marks_of: MarksOf, citations_of: CitationsOf) -> str:
    return "".join(json.dumps(paper_record(p, marks_of(p), citations_of(p)), ensure_ascii=False) + "\n" for p in papers)

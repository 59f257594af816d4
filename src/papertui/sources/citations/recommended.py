"""`papertui fetch s2 --recommend`: Semantic Scholar's recommendations for your starred papers,
stored in the library like any fetched paper (`s2-recommendations/DAY.jsonl`).

The starred papers are named by arXiv id (`ARXIV:2406.16845`; the marks keep no other id),
the most recently starred first. A recommended paper without an abstract (the service gives
none for many) is asked for once more through the batch endpoint, all of them in one request,
and keeps its TL;DR as its abstract when the service has one; else a line saying there is
none, naming the title, so that it loads without a warning and like any paper in the list
(title, authors, links), and is not merged with another paper that has none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Sequence

from papertui.corpus.model import Record
from papertui.sources.citations.client import BATCH_SIZE, MAX_RECOMMENDATIONS, SemanticScholar
from papertui.sources.citations.model import GraphPaper, s2_id_of_key
from papertui.sources.http import FetchError
from papertui.sources.library import Library
from papertui.sources.report import FetchReport, Progress, no_progress
from papertui.marks.store import MarkStore

SOURCE = "Semantic Scholar recommendations"
FOLDER = "s2-recommendations"
MOST_STARRED = 100  # positive examples sent: the most recently starred (one request either way)
# Names the paper: papers with the same abstract are merged into one at load, so one fixed
# line for all of them would make a hundred recommendations a single paper.
NO_ABSTRACT = "(Semantic Scholar has no abstract for “{title}”.)"


def starred_ids(marks: MarkStore, most: int = MOST_STARRED) -> tuple[list[str], int]:
    """The ids to ask by (`ARXIV:<id>`) of the starred papers, most recently starred first (at
    most `most`), and how many starred papers have no arXiv id (they cannot be named)."""
    starred = sorted((m for m in marks.entries.values() if m.starred), key=lambda m: m.changed, reverse=True)
    ids = list(dict.fromkeys(f"ARXIV:{m.arxiv_id}" for m in starred if m.arxiv_id))
    return ids[:most], sum(1 for m in starred if not m.arxiv_id)


def fetch_recommendations(
    positive: Sequence[str],
    client: SemanticScholar,
    library: Library,
    *,
    limit: int = 100,
    today: date | None = None,
    progress: Progress = no_progress,
) -> FetchReport:
    """Ask for up to `limit` papers like the `positive` ones and store them. FetchError and
    Stopped propagate from the recommendation request (nothing is stored then); a failed
    request for the missing abstracts only costs those abstracts."""
    report = FetchReport(SOURCE)
    limit = max(1, min(limit, MAX_RECOMMENDATIONS))
    progress(SOURCE, 0, None)
    first = client.requests
    try:
        papers = client.recommend(list(positive), limit=limit)
        report.requests = client.requests - first
        tldrs = _fill_abstracts(papers, client, report)
    finally:
        report.requests = client.requests - first
    report.papers = len(papers)
    if not papers:
        report.note(f"Semantic Scholar recommended no paper for {_papers(len(positive))}")
        return report
    records = [_record(paper, tldrs.get(n)) for n, paper in enumerate(papers)]
    stored = library.store(f"{FOLDER}/{(today or date.today()).isoformat()}.jsonl", records)
    for warning in stored.warnings:  # its lines that could not be read, kept aside
        report.note(warning)
    report.new = stored.new
    report.files.append(str(stored.path))
    without_id = sum(1 for paper in papers if not paper.arxiv_id)
    report.note(f"recommended for {_papers(len(positive))}; {without_id:,} of them without an arXiv id (kept by title)")
    return report


def _fill_abstracts(papers: list[GraphPaper], client: SemanticScholar, report: FetchReport) -> dict[int, str]:
    """Replace, in `papers`, each one without an abstract by the batch endpoint's description
    when it has one; return the TL;DRs of those still without, by their place in `papers`."""
    missing = [n for n, paper in enumerate(papers) if not paper.abstract and _asked_by(paper)][:BATCH_SIZE]
    if not missing:
        return {}
    try:
        answers = client.batch([_asked_by(papers[n]) for n in missing])  # type: ignore[misc]
    except FetchError as error:
        report.note(f"their abstracts could not be asked for ({error}); {len(missing):,} kept without one")
        return {}
    tldrs: dict[int, str] = {}
    for n, answer in zip(missing, answers):
        if answer is None or not answer.citations.found:
            continue
        if answer.paper is not None and answer.paper.abstract:
            papers[n] = replace(papers[n], abstract=answer.paper.abstract, arxiv_id=papers[n].arxiv_id or answer.paper.arxiv_id)
        elif answer.citations.tldr:
            tldrs[n] = answer.citations.tldr
    still = sum(1 for paper in papers if not paper.abstract)
    if still:
        report.note(f"{still:,} have no abstract at Semantic Scholar: kept with the TL;DR where there is one, else a line saying so")
    return tldrs


def _asked_by(paper: GraphPaper) -> str | None:
    return paper.s2_id or (s2_id_of_key(paper.key) if paper.key else None)


def _record(paper: GraphPaper, tldr: str | None) -> Record:
    record = paper.to_record()
    if not record.abstract:  # a library entry without one is warned about at every start
        record.abstract = f"TL;DR (Semantic Scholar): {tldr}" if tldr else NO_ABSTRACT.format(title=record.title)
    return record


def _papers(count: int) -> str:
    return f"{count:,} starred paper{'s' if count != 1 else ''}"

"""Enriching papers: asking Semantic Scholar for the citations of those the store lacks, or
holds for more than a week, 500 to a request, and keeping every answer (a paper the service
does not know too, so that it is not asked again within the week)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

from papertui.sources.citations.client import BATCH_SIZE, SemanticScholar
from papertui.sources.citations.model import paper_key, s2_id_of_key
from papertui.sources.citations.store import MAX_AGE, CitationStore
from papertui.sources.report import Progress, no_progress

if TYPE_CHECKING:
    from papertui.corpus.model import Paper

SAVE_EVERY = 30.0  # seconds: a long run is saved as it goes, so a crash loses little


@dataclass
class EnrichReport:
    """What one enrichment did."""

    asked: int = 0  # papers asked about
    found: int = 0
    not_found: int = 0
    unreadable: int = 0  # answered with something that is not a paper: asked again next time
    fresh: int = 0  # already kept, less than a week old: not asked
    requests: int = 0
    without_id: int = 0  # papers with neither an arXiv id nor a DOI
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> str:
        unreadable = f", {self.unreadable:,} unreadable" if self.unreadable else ""
        return (
            f"Semantic Scholar: asked {self.asked:,}, found {self.found:,}, not found {self.not_found:,}{unreadable}, "
            f"already fresh {self.fresh:,}; {self.requests:,} request{'s' if self.requests != 1 else ''} "
            f"in {time.monotonic() - self.started:.1f} s"
        )


def keys_of(papers_or_keys: Iterable[Paper | str], report: EnrichReport | None = None) -> list[str]:
    """Store keys, each once, in order: a string is a key already, a paper gives its own."""
    keys: dict[str, None] = {}
    for item in papers_or_keys:
        key = item if isinstance(item, str) else paper_key(item)
        if key:
            keys[key] = None
        elif report is not None:
            report.without_id += 1
    return list(keys)


def enrich(
    papers_or_keys: Iterable[Paper | str],
    store: CitationStore,
    client: SemanticScholar,
    refresh: bool = False,
    progress: Progress = no_progress,
    now: datetime | None = None,
) -> EnrichReport:
    """Ask for the keys missing from `store` or older than a week (all of them with `refresh`),
    in batches of 500, and keep the answers. The store is saved as it goes and at the end,
    also when the service fails midway: FetchError, Stopped or StoreError then propagate,
    and what was answered before stays kept."""
    report = EnrichReport()
    now = now or datetime.now(timezone.utc)
    wanted = []
    for key in keys_of(papers_or_keys, report):
        if refresh or store.stale(key, now, MAX_AGE):
            wanted.append(key)
        else:
            report.fresh += 1
    batches = [wanted[start : start + BATCH_SIZE] for start in range(0, len(wanted), BATCH_SIZE)]
    saved = time.monotonic()
    first_request = client.requests
    try:
        for number, batch in enumerate(batches):
            progress("Semantic Scholar", number * BATCH_SIZE, len(wanted))
            answered = client.batch([s2_id_of_key(key) for key in batch])
            report.requests = client.requests - first_request
            report.asked += len(batch)
            for key, answer in zip(batch, answered):
                if answer is None:
                    report.unreadable += 1
                    continue
                store.put(key, answer.citations)
                if answer.citations.found:
                    report.found += 1
                else:
                    report.not_found += 1
            if time.monotonic() - saved > SAVE_EVERY:
                store.save()
                saved = time.monotonic()
        progress("Semantic Scholar", len(wanted), len(wanted))
    finally:
        report.requests = client.requests - first_request
        store.save()
    return report

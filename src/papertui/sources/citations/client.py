"""The Semantic Scholar APIs through papertui's polite HTTP client: batches of papers, pages of
the citation graph, recommendations.

The base address is `$PAPERTUI_S2_API` (default https://api.semanticscholar.org, to which
`/graph/v1/…` and `/recommendations/v1/…` are added); an API key from `$PAPERTUI_S2_API_KEY` or
the config file's `[semantic_scholar] api_key` is sent as `x-api-key`. One request at a time,
at least a second apart (S2 gives keys 1 request a second on the batch and recommendation
endpoints, and asks everyone for exponential back-off): 429 and 503 are waited out as
`Retry-After` says, or 2, 4, 8 s without it, by `papertui.sources.http.Client`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote, urlencode

from papertui.sources.citations import answers
from papertui.sources.citations.answers import Answered
from papertui.sources.citations.model import GraphPaper, now_iso
from papertui.sources.http import TIMEOUT, Client, Throttle

BASE_VARIABLE = "PAPERTUI_S2_API"
KEY_VARIABLE = "PAPERTUI_S2_API_KEY"
DEFAULT_BASE = "https://api.semanticscholar.org"
NAME = "Semantic Scholar"
INTERVAL = 1.0  # seconds between requests
BATCH_SIZE = 500  # the batch endpoint's most ids a request
PAGE_SIZE = 100  # a page of citations or references (the service allows up to 1,000)
MAX_PAGE_SIZE = 1_000
MAX_RECOMMENDATIONS = 500

# Only what is kept: the answer for 500 papers stays well under the service's 10 MB.
BATCH_FIELDS = (
    "externalIds,citationCount,influentialCitationCount,referenceCount,tldr,venue,journal,year,"
    "publicationDate,openAccessPdf,fieldsOfStudy,title,authors,abstract"
)
# Of each paper on a graph page or among recommendations (no `tldr`: the service gives it
# only for a paper asked for itself).
PAPER_FIELDS = (
    "externalIds,title,abstract,authors,year,publicationDate,venue,journal,citationCount,"
    "influentialCitationCount,referenceCount,openAccessPdf"
)
DIRECTIONS = {"citations": "citingPaper", "references": "citedPaper"}


def base_url() -> str:
    return (os.environ.get(BASE_VARIABLE) or DEFAULT_BASE).rstrip("/")


def api_key(config: dict[str, Any] | None = None) -> tuple[str | None, str | None]:
    """The API key ($PAPERTUI_S2_API_KEY, else the config's `[semantic_scholar] api_key`), and
    a one-line problem when the one given cannot be used (then no key is sent)."""
    key: Any = os.environ.get(KEY_VARIABLE)
    where = f"${KEY_VARIABLE}"
    if not key:
        if config is None:
            from papertui.sources.config import read_config

            config, _ = read_config()  # an unreadable config is the fetch command's to report
        table = config.get("semantic_scholar")
        key = table.get("api_key") if isinstance(table, dict) else None
        where = "[semantic_scholar] api_key in the config file"
    if key is None or key == "":
        return None, None
    # A header cannot carry spaces or control characters: such a key was pasted wrongly.
    if not isinstance(key, str) or not key.strip().isprintable() or " " in key.strip() or not key.isascii():
        return None, f"{where} is not a key (one word of letters and digits); asking without one"
    return key.strip(), None


@dataclass(frozen=True)
class GraphPage:
    """One page of a paper's citations or references."""

    papers: list[GraphPaper]
    offset: int
    next_offset: int | None  # None: the last page


class SemanticScholar:
    """The service's endpoints that papertui uses. Every method raises FetchError with one
    line (unreachable, an HTTP error, an answer that cannot be read) or Stopped."""

    def __init__(
        self,
        key: str | None = None,
        *,
        base: str | None = None,
        throttle: Throttle | None = None,
        stop: Callable[[], bool] = lambda: False,
        timeout: float = TIMEOUT,
        clock: Callable[[], str] = now_iso,
    ) -> None:
        self.base = (base or base_url()).rstrip("/")
        self.clock = clock
        self.http = Client(
            NAME, throttle or Throttle(INTERVAL), stop, timeout=timeout, headers={"x-api-key": key} if key else {}
        )

    @property
    def requests(self) -> int:
        return self.http.requests

    def batch(self, ids: Sequence[str]) -> list[Answered | None]:
        """Up to 500 papers by id (`ARXIV:2406.16845`, `DOI:10.…`, an S2 id), one answer per
        id in order: `.citations.found` False for an id the service does not know; None for
        an item it answered with something unreadable."""
        if not ids:
            return []
        if len(ids) > BATCH_SIZE:
            raise ValueError(f"at most {BATCH_SIZE} ids a batch, not {len(ids)}")
        body = self.http.post(f"{self.base}/graph/v1/paper/batch?{urlencode({'fields': BATCH_FIELDS})}", {"ids": list(ids)})
        return answers.batch_answer(body, len(ids), self.clock())

    def page(self, paper_id: str, direction: str, offset: int = 0, limit: int = PAGE_SIZE) -> GraphPage:
        """One page of the papers citing `paper_id` (`direction` "citations") or cited by it
        ("references"), in the service's order."""
        nested = DIRECTIONS[direction]
        params = urlencode({"fields": PAPER_FIELDS, "offset": offset, "limit": max(1, min(limit, MAX_PAGE_SIZE))})
        body = self.http.get(f"{self.base}/graph/v1/paper/{quote(paper_id, safe=':')}/{direction}?{params}")
        papers, following = answers.graph_page(body, nested)
        return GraphPage(papers, offset, following)

    def walk(self, paper_id: str, direction: str, most: int | None = None, page_size: int = PAGE_SIZE) -> Iterator[GraphPage]:
        """The pages of citations or references in turn, until the last or `most` papers."""
        offset: int | None = 0
        seen = 0
        while offset is not None and (most is None or seen < most):
            size = page_size if most is None else min(page_size, most - seen)
            page = self.page(paper_id, direction, offset, size)
            seen += len(page.papers)
            yield page
            if not page.papers:
                return  # an empty page that still points on would be asked for ever
            offset = page.next_offset

    def recommend(self, positive: Sequence[str], negative: Sequence[str] = (), limit: int = 100) -> list[GraphPaper]:
        """Papers like the `positive` ones (and unlike the `negative`), best first."""
        params = urlencode({"fields": PAPER_FIELDS, "limit": max(1, min(limit, MAX_RECOMMENDATIONS))})
        body = self.http.post(
            f"{self.base}/recommendations/v1/papers/?{params}",
            {"positivePaperIds": list(positive), "negativePaperIds": list(negative)},
        )
        return answers.recommendations(body)


def from_settings(
    *, stop: Callable[[], bool] = lambda: False, throttle: Throttle | None = None, config: dict[str, Any] | None = None
) -> tuple[SemanticScholar, list[str]]:
    """A client for the environment's and the config file's base address, key and limits,
    and one line for each setting that was ignored (a bad key: the client asks without one)."""
    key, problem = api_key(config)
    client = SemanticScholar(key, stop=stop, throttle=throttle)
    limits = getattr(client.http, "limits", None)  # the answers' size and time caps ([limits])
    return client, ([problem] if problem else []) + list(getattr(limits, "problems", ()))

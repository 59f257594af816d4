"""Walking the citation graph: `C` (the papers citing this one), `R` (those it cites),
`Backspace` back.

A step shows, in the same browser, a small corpus made of the papers of Semantic Scholar's
graph pages (`/paper/{id}/citations`, `/references`), most cited first: papers that are in
your corpus appear as those very papers (your marks, your PDFs), the others as papers built
from what the service says (`outside`; `A` adds one to the library). It is indexed with the
normal `SearchIndex` (a thousand papers index in a blink), so filtering, sorting, stars,
export, `like:` and `m` work there as anywhere.

`CitationWalk` is a controller the app owns: it keeps the stack of places to come back to
(corpus, index, query, order, the highlighted paper) and fetches the pages in a worker (a
daemon thread, one page per turn on the app's Semantic Scholar lock), posting `PageArrived`
after each page so that the first page shows as soon as it comes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from textual.message import Message

from papertui.corpus.model import Corpus, Paper
from papertui.sources.citations.model import Citations, GraphPaper, citation_key, now_iso, paper_key, s2_id_of_key
from papertui.ui.daemon import in_daemon_thread
from papertui.ui.recommend_actions import wait_for_quiet

if TYPE_CHECKING:
    from textual.app import App

    from papertui.search import SearchIndex
    from papertui.ui.enrich_worker import S2Access

MOST_PAPERS = 1_000  # a step fetches at most this many (10 pages of 100: 10 s at the polite pace)
PAGE_SIZE = 100
DIRECTION_LABELS = {"citations": "cited by", "references": "references"}


@dataclass
class Place:
    """Where the browser was before a step, to come back to it as it was."""

    corpus: Corpus
    index: SearchIndex
    query: str
    sort_order: str
    paper: Paper | None  # the highlighted paper
    selected: set[int]
    label: str  # the highlighted paper's title, for the breadcrumb
    direction: str = ""  # the step taken from here ("citations" or "references")
    similarity: tuple[Any, ...] = ()  # the app's vectors and "for you" model for this corpus
    outside: dict[Paper, GraphPaper] = field(default_factory=dict)  # of this corpus, as `Step`'s
    page_citations: dict[Paper, Citations] = field(default_factory=dict)
    citations_column: bool = False  # the list showed citation counts here


@dataclass
class Step:
    """The corpus a step shows, and what the pages said of papers from outside yours."""

    corpus: Corpus
    index: SearchIndex
    outside: dict[Paper, GraphPaper] = field(default_factory=dict)
    page_citations: dict[Paper, Citations] = field(default_factory=dict)


def most_cited_first(papers: list[GraphPaper]) -> list[GraphPaper]:
    """Most cited first, unknown counts last, the service's order otherwise (a stable sort)."""
    return sorted(papers, key=lambda paper: (paper.citation_count is None, -(paper.citation_count or 0)))


def outside_paper(graph: GraphPaper) -> Paper:
    """A paper from what Semantic Scholar says, shown as a corpus paper is."""
    record = graph.to_record()
    return Paper(
        title=record.title or "(untitled paper from Semantic Scholar)",
        abstract=record.abstract,
        arxiv_id=record.arxiv_id,
        links=record.links,
        authors=record.authors,
        published=record.published,
    )


def build_step(graph_papers: list[GraphPaper], yours: dict[str, Paper]) -> Step:
    """The corpus of a step: each graph paper once (the first time it appears), most cited
    first; yours where its arXiv id or DOI is in `yours`, else made from the page."""
    from papertui.search import SearchIndex

    fetched = now_iso()
    papers: list[Paper] = []
    outside: dict[Paper, GraphPaper] = {}
    page_citations: dict[Paper, Citations] = {}
    seen: set[str] = set()
    for graph in most_cited_first(graph_papers):
        identity = graph.s2_id or graph.key or f"title:{graph.title}"
        if identity in seen:
            continue
        seen.add(identity)
        key = graph.key
        paper = yours.get(key) if key else None
        if paper is None and graph.doi and graph.arxiv_id:  # yours may know it by its DOI alone
            paper = yours.get(citation_key(doi=graph.doi))
        if paper is None:
            paper = outside_paper(graph)
            outside[paper] = graph
        page_citations[paper] = graph.citations(fetched)
        papers.append(paper)
    return Step(Corpus(papers=papers), SearchIndex(papers), outside, page_citations)


def papers_by_key(papers: list[Paper]) -> dict[str, Paper]:
    """Your papers by citation key (arXiv id, or `doi:` and the DOI), the first of each."""
    found: dict[str, Paper] = {}
    for paper in papers:
        key = paper_key(paper)
        if key is not None:
            found.setdefault(key, paper)
    return found


class CitationWalk:
    """The stack of places and the fetching of graph pages."""

    @dataclass
    class Added(Message):
        """A paper from outside was added to the library (`error`: it was not)."""

        paper: Paper
        line: str
        error: bool = False

    @dataclass
    class PageArrived(Message):
        """More of a step arrived (`step` holds every page so far), or it failed (`error`)."""

        run: int
        step: Step | None
        done: bool
        error: str | None = None

    def __init__(self, app: App, access: S2Access, last_keystroke: Callable[[], float] = lambda: 0.0) -> None:
        self.app = app
        self.access = access
        self.last_keystroke = last_keystroke
        self.places: list[Place] = []  # the places to come back to, oldest first
        self.outside: dict[Paper, GraphPaper] = {}  # of the corpus shown now
        self.run = 0  # the current fetch; pages of an older one are dropped
        self.pending: Place | None = None  # where C or R was pressed, until its first page comes
        self.fetching = False
        self._cancel: threading.Event | None = None
        self._yours: tuple[int, dict[str, Paper]] | None = None  # papers_by_key of the base corpus

    @property
    def depth(self) -> int:
        return len(self.places)

    def breadcrumb(self) -> list[tuple[str, str]]:
        """(title, "cited by" / "references") for each step taken, oldest first."""
        return [(place.label, DIRECTION_LABELS.get(place.direction, place.direction)) for place in self.places]

    def s2_id_for(self, paper: Paper, citations: Citations | None) -> str | None:
        """How Semantic Scholar is asked about `paper`: its S2 id when known, else its arXiv
        id or DOI (None: it has none of these)."""
        graph = self.outside.get(paper)
        if graph is not None and graph.s2_id:
            return graph.s2_id
        if citations is not None and citations.s2_id:
            return citations.s2_id
        key = paper_key(paper)
        return s2_id_of_key(key) if key else None

    def start(self, place: Place, s2_id: str, base: list[Paper]) -> int:
        """Fetch the pages of `place.direction` of `s2_id` in the background; the first page
        that comes makes the step (`PageArrived`)."""
        self.stop()
        self.pending = place
        self.fetching = True
        cancel = self._cancel = threading.Event()
        run = self.run
        self.app.run_worker(
            self._fetch_in_daemon_thread(run, s2_id, place.direction, base, cancel),
            exit_on_error=False, name="walking the citation graph", description="citation walk", group="citation-walk",
        )  # fmt: skip
        return run

    def stop(self) -> None:
        """The fetch under way, if any, asks for no more pages."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        self.run += 1  # its pages already posted are dropped too
        self.fetching = False
        self.pending = None

    async def _fetch_in_daemon_thread(self, run: int, s2_id: str, direction: str, base: list[Paper], cancel: threading.Event) -> None:
        try:
            await in_daemon_thread(lambda: self._fetch(run, s2_id, direction, base, cancel), name="papertui-citation-walk")
        finally:
            cancel.set()  # cancelled (quit): no more pages

    def _fetch(self, run: int, s2_id: str, direction: str, base: list[Paper], cancel: threading.Event) -> None:
        from papertui.sources.http import FetchError, Stopped

        yours = self._yours[1] if self._yours is not None and self._yours[0] == id(base) else None
        if yours is None:
            yours = papers_by_key(base)
            self._yours = (id(base), yours)
        found: list[GraphPaper] = []
        offset: int | None = 0
        while offset is not None and len(found) < MOST_PAPERS and not cancel.is_set():
            try:
                with self.access.lock:  # a turn: the enricher may ask between two pages
                    if cancel.is_set():
                        return
                    page = self.access.client().page(s2_id, direction, offset, min(PAGE_SIZE, MOST_PAPERS - len(found)))
            except FetchError as error:
                self.app.post_message(self.PageArrived(run, build_step(found, yours) if found else None, True, str(error)))
                return
            except Stopped:
                return
            found.extend(page.papers)
            offset = page.next_offset if page.papers else None
            last = offset is None or len(found) >= MOST_PAPERS
            # The first page shows at once; later ones are indexed in a pause of the keys (a
            # thousand papers take a fifth of a second of Python, which would share the GIL
            # with the keystrokes of someone already reading the first page).
            if len(found) > len(page.papers) and wait_for_quiet(self.last_keystroke, cancel.is_set):
                return
            if not cancel.is_set():
                self.app.post_message(self.PageArrived(run, build_step(found, yours), last))

    # --- adding a paper from outside to the library -----------------------------------

    def add_to_library(self, paper: Paper, graph: GraphPaper) -> None:
        self.app.run_worker(
            lambda: self._add(paper, graph), thread=True, exit_on_error=False,
            name="adding a paper to the library", description="add paper", group="citation-add",
        )  # fmt: skip

    def _add(self, paper: Paper, graph: GraphPaper) -> None:
        """Ask the batch endpoint for the paper's abstract and TL;DR (a graph page has no
        TL;DR, and often no abstract), then store it like a fetched paper."""
        from papertui.sources.citations.store import CitationStore, StoreError
        from papertui.sources.http import FetchError, Stopped
        from papertui.sources.library import Library, LibraryError

        asked = graph.s2_id or (s2_id_of_key(graph.key) if graph.key else None)
        answer = None
        if asked is not None:
            try:
                with self.access.lock:
                    answers = self.access.client().batch([asked])
                answer = answers[0] if answers else None
            except (FetchError, Stopped):
                answer = None  # what the page said is enough to add it
        described = answer.paper if answer is not None and answer.paper is not None else graph
        record = with_abstract(described, graph, answer.citations.tldr if answer is not None else None)
        try:
            stored = Library().store(LIBRARY_FILE, [record])
        except LibraryError as error:
            self.app.post_message(self.Added(paper, f"{error}; the paper is still shown here", error=True))
            return
        if answer is not None and answer.citations.found and described.key:
            store = CitationStore.open()
            store.put(described.key, answer.citations)
            try:
                store.save()
            except StoreError:
                pass  # its citations are asked again later: the paper itself is kept
        title = record.title or "the paper"
        shown = title if len(title) <= 60 else title[:59] + "…"
        already = "" if stored.new else " (it was there already)"
        self.app.post_message(self.Added(paper, f"Added “{shown}” to the library ({stored.path.name}){already}; it loads with your papers from the next start (or F)."))


LIBRARY_FILE = "semantic-scholar.jsonl"
NO_ABSTRACT = "(Semantic Scholar has no abstract for “{title}”.)"  # the title: papers alike in their abstract are merged


def with_abstract(described: GraphPaper, page: GraphPaper, tldr: str | None) -> Any:
    """The record to store: the batch answer's fields where the page lacked them, and an
    abstract always — the TL;DR when the service has no abstract, else a line that says so
    (a library entry without one would be warned about at every start)."""
    from dataclasses import replace

    merged = replace(
        described,
        title=described.title or page.title,
        abstract=described.abstract or page.abstract,
        authors=described.authors or page.authors,
        arxiv_id=described.arxiv_id or page.arxiv_id,
        doi=described.doi or page.doi,
        s2_id=described.s2_id or page.s2_id,
    )
    record = merged.to_record()
    if not record.abstract:
        record.abstract = f"TL;DR (Semantic Scholar): {tldr}" if tldr else NO_ABSTRACT.format(title=record.title)
    return record

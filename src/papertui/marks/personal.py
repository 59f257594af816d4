"""What the query language asks beyond the papers' own text, in one place for the search:
marks (`is:starred`, `is:read`, `tag:`, `is:dismissed`, and the dismissed papers every other
query hides), the watch list (`is:watched`), when papers were first seen (`is:new`), the PDF
library (`is:downloaded`, `full:`), similarity (`like:`, `~`) from the recommender once
its vectors are built, and Semantic Scholar's citations (`citations:`, `influential:`,
`venue:`, `has:tldr`, and the `citations` and `velocity` orders) from the citation store.
Searches cache their answers by `version`.
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Callable, Sequence

from papertui.corpus.model import Paper
from papertui.pdfs.store import PdfStore
from papertui.search.matching import tokenize
from papertui.search.orders import CITATION_ORDERS
from papertui.search.query import DATE_OPERATORS, Term, like_references
from papertui.marks.store import Marks, MarkStore, title_key

if TYPE_CHECKING:  # numpy and the vectors are imported by the searches that use them, after the first frame
    import numpy as np

    from papertui.marks.watch import WatchList
    from papertui.recommend.model import Recommender
    from papertui.sources.citations.store import CitationStore

SIMILARITY_CACHE = 16


class PersonalFacts:
    def __init__(
        self,
        marks: MarkStore,
        pdfs: PdfStore | None = None,
        recommender: Recommender | None = None,
        citations: CitationStore | None = None,
    ) -> None:
        self.marks = marks
        self.pdfs = pdfs
        self._citations: CitationStore | None = None
        self._citation_stores = 0  # how many were set: answers from an earlier one are stale
        self._own_citations: tuple[int, int, int] | None = None  # opened here: its file as read
        self._citation_arrays: dict[tuple, object] = {}
        if citations is not None:
            self.citations = citations
        self._recommender: Recommender | None = None
        self._recommenders = 0  # how many were set: searches cached for an earlier one are stale
        self._similar: dict[tuple[str, str, int, int], np.ndarray | None] = {}
        self.recommender = recommender
        self._watch: WatchList | None = None  # read from the config and watch.json when first asked
        self._watches = 0  # how many were set: `is:watched` answers for an earlier one are stale

    @property
    def watch(self) -> WatchList:
        """The watch list: the one set (the app sets it again after `w`), else the config's
        `[watch]` and the authors watched from the app, read when first needed."""
        if self._watch is None:
            from papertui.marks.watch import WatchList

            self._watch = WatchList.load()
        return self._watch

    @watch.setter
    def watch(self, watch: WatchList) -> None:
        self._watch = watch
        self._watches += 1

    @property
    def recommender(self) -> Recommender | None:
        return self._recommender

    @recommender.setter
    def recommender(self, recommender: Recommender | None) -> None:
        """Set once its vectors are built (again after a new load)."""
        self._recommender = recommender
        self._recommenders += 1
        self._similar = {}

    @property
    def citations(self) -> CitationStore:
        """The citation store: the one set (the app's, which it enriches), else the data
        directory's, read when first asked for and again whenever its file changes."""
        if self._citations is None:
            self._open_citations()
        assert self._citations is not None
        return self._citations

    @citations.setter
    def citations(self, store: CitationStore) -> None:
        """Set the store that is filled (a change to it is noticed by its size, its unsaved
        answers and its file, at the next search)."""
        self._citations, self._own_citations = store, None
        self._citation_stores += 1
        self._citation_arrays = {}

    def _open_citations(self) -> None:
        from papertui.sources.citations.store import STORE_FILE, CitationStore
        from papertui.storage.files import data_dir

        path = data_dir() / STORE_FILE
        before = _file_signature(path)
        self.citations = CitationStore.open(path.parent)
        self._own_citations = before

    @property
    def citations_version(self) -> tuple | int:
        """Changes whenever what the store answers may have: another store, an answer put
        (its size or its unsaved answers), a save here or by another papertui (its file)."""
        store = self._citations
        if store is None:
            return 0  # never read: nothing was answered from it
        if self._own_citations is not None and store.path is not None and _file_signature(store.path) != self._own_citations:
            self._open_citations()  # `papertui enrich`, or the app's enrichment, saved since
            store = self.citations
        return self._citation_stores, len(store), store.pending, _file_signature(store.path) if store.path else None

    @property
    def version(self) -> tuple:
        citations = self.citations_version
        if self.pdfs is None:
            return self.marks.version, 0, self._recommenders, citations, self._watches
        self.pdfs.refresh()  # one stat: a file deleted by hand is noticed at the next search
        return self.marks.version, self.pdfs.version, self._recommenders, citations, self._watches

    # --- citations --------------------------------------------------------------------

    def citation_mask(self, term: Term, papers: Sequence[Paper], size: int) -> np.ndarray:
        """The papers a `citations:`, `influential:`, `venue:` or `has:tldr` term selects
        (before negation): a paper whose fact is unknown is never selected."""
        import numpy as np

        if term.kind == "venue":
            venues = self._citation_array("venue", papers, size)
            return np.fromiter((term.value in venue for venue in venues), dtype=bool, count=size)
        if term.kind == "tldr":
            return self._citation_array("tldr", papers, size)
        numbers = self._citation_array(term.kind, papers, size)
        bound = float(int(term.value))  # a count of at most 19 digits (the parser's cap)
        assert term.operator in DATE_OPERATORS
        with np.errstate(invalid="ignore"):  # NaN (unknown) compares False, as it should
            return {
                ">": numbers > bound, ">=": numbers >= bound, "<": numbers < bound, "<=": numbers <= bound, "=": numbers == bound,
            }[term.operator]

    def citation_sort_keys(self, order: str, papers: Sequence[Paper], today: date | None = None) -> np.ndarray | None:
        """For the `citations` order the citation count of every paper, for `velocity` its
        citations a year (NaN: unknown); None for the other orders."""
        if order not in CITATION_ORDERS:
            return None
        name = "citations" if order == "citations" else ("velocity", today or date.today())
        return self._citation_array(name, papers, len(papers))

    def _citation_array(self, name: object, papers: Sequence[Paper], size: int):
        from papertui.search import citation_facts

        self.citations  # read when first needed, before the version that says what it holds
        key = (name, self.citations_version, id(papers), size)
        if key not in self._citation_arrays:
            store = self.citations  # after the version: it may have read the file again
            keys = citation_facts.keys_of(papers, size)
            if name == "venue":
                found: object = citation_facts.venues(store, keys)
            elif name == "tldr":
                found = citation_facts.with_tldr(store, keys)
            elif isinstance(name, tuple):  # ("velocity", today)
                found = citation_facts.citations_per_year(store, papers, keys, name[1])
            else:
                found = citation_facts.counts(store, keys, citation_facts.COUNTS[name])
            if len(self._citation_arrays) >= SIMILARITY_CACHE:
                self._citation_arrays.pop(next(iter(self._citation_arrays)))
            self._citation_arrays[key] = found
        return self._citation_arrays[key]

    def similarity(self, term: Term, papers: Sequence[Paper], size: int) -> np.ndarray | None:
        """Scores for a `like:`, `~` or `for:` term, None until the vectors are built (or when
        the papers named, or tagged, are not loaded)."""
        recommender, generation = self._recommender, self._recommenders
        if recommender is None or recommender.size < size:
            return None
        # The generation in the key: a search still running on a replaced recommender never
        # leaves its answer where the new one would find it.
        key = (term.kind, term.value, self.marks.version if term.kind == "for" else 0, generation)
        if key not in self._similar:
            if term.kind == "about":
                scores = recommender.about(term.value)
            elif term.kind == "for":  # "for you", learned from the papers with this tag
                tagged = self.marks.mask(papers, size, lambda marks: term.value in marks.tags).nonzero()[0]
                scores = None
                if len(tagged):
                    dismissed, weak = self.negatives(papers, size, lambda marks: term.value in marks.tags)
                    scores = recommender.train(tagged.tolist(), dismissed=dismissed, weak=weak).scores
            else:
                chosen = find_papers(like_references(term.value), papers)
                scores = recommender.like(chosen) if chosen else None
            if len(self._similar) >= SIMILARITY_CACHE:
                self._similar.pop(next(iter(self._similar)))
            self._similar[key] = scores
        return self._similar[key]

    def negatives(self, papers: Sequence[Paper], size: int, liked: Callable[[Marks], bool]) -> tuple[list[int], list[int]]:
        """What "for you" learns against, beside the papers `liked` chooses: the dismissed
        papers, and (weak) those read and neither starred, tagged nor dismissed."""
        dismissed = self.marks.mask(papers, size, lambda marks: marks.dismissed and not liked(marks)).nonzero()[0]
        weak = self.marks.mask(
            papers, size, lambda marks: marks.read and not (marks.starred or marks.tags or marks.dismissed or liked(marks))
        ).nonzero()[0]
        return dismissed.tolist(), weak.tolist()

    @property
    def new_since(self) -> str | None:
        return self.marks.new_since

    @property
    def dismissed_count(self) -> int:
        return self.marks.dismissed_count

    @property
    def dismissed_version(self) -> int:
        return self.marks.dismissed_version

    def dismissed_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """`is:dismissed`, and what every other query hides."""
        return self.marks.dismissed_mask(papers, size)

    def watched_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """`is:watched`: by a watched author, or with a watched word in the title or abstract."""
        return self.watch.mask(papers, size)

    def mask(self, papers: Sequence[Paper], size: int, wanted: Callable[[Marks], bool]) -> np.ndarray:
        return self.marks.mask(papers, size, wanted)

    def updated_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """`is:updated`: papers starred or read at an arXiv version older than their latest."""
        return self.marks.updated_mask(papers, size)

    def downloaded_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        ids = set(self.pdfs.downloaded()) if self.pdfs is not None else set()
        return _papers_with_ids(papers, size, ids)

    def full_text_mask(self, phrase: str, whole: bool, papers: Sequence[Paper], size: int) -> np.ndarray:
        """Papers whose PDF text holds `phrase` (`whole`: as written, else each of its words):
        the downloaded PDF's, else the one Zotero stored for the paper."""
        import numpy as np

        if self.pdfs is None:
            return np.zeros(size, dtype=bool)
        needles = [" ".join(phrase.lower().split())] if whole else tokenize(phrase)
        found = set()
        for arxiv_id in self.pdfs.downloaded():
            text = self.pdfs.full_text(arxiv_id)
            if text is not None and needles and all(needle in text for needle in needles):
                found.add(arxiv_id)
        mask = _papers_with_ids(papers, size, found)
        # A paper not downloaded: the text of the PDF Zotero stored for it (pdfs/zotero_pdfs.py).
        for position, local_pdf in self.pdfs.zotero_texts.matching(needles):
            if position < size and papers[position].local_pdf == local_pdf:
                mask[position] = True
        return mask


def find_papers(references: list[str], papers: Sequence[Paper]) -> list[int]:
    """The papers named by arXiv ids (`2406.16845`, `arXiv:2406.16845v2`) or by titles
    (exact, case and punctuation aside; else the only title starting so)."""
    from papertui.links import parse_arxiv_id

    ids = {found for reference in references if (found := parse_arxiv_id(reference))}
    titles = {title_key(reference) for reference in references if parse_arxiv_id(reference) is None}
    chosen = [number for number, paper in enumerate(papers) if (paper.arxiv_id in ids) or (titles and title_key(paper.title) in titles)]
    found_titles = {title_key(papers[number].title) for number in chosen}
    for wanted in titles - found_titles:
        starting = [number for number, paper in enumerate(papers) if title_key(paper.title).startswith(wanted)]
        if len(starting) == 1:
            chosen.extend(starting)
    return sorted(set(chosen))


def _file_signature(path: os.PathLike) -> tuple[int, int, int]:
    """What changes when a file is replaced or written: (inode, size, modification time)."""
    try:
        status = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return status.st_ino, status.st_size, status.st_mtime_ns


def _papers_with_ids(papers: Sequence[Paper], size: int, ids: set[str]) -> np.ndarray:
    import numpy as np

    if not ids:
        return np.zeros(size, dtype=bool)
    return np.fromiter((papers[i].arxiv_id in ids for i in range(size)), dtype=bool, count=size)

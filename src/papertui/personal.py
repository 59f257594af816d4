"""What the query language asks beyond the papers' own text, in one place for the search:
marks (`is:starred`, `is:read`, `tag:`), when papers were first seen (`is:new`), the PDF
library (`is:downloaded`, `full:`), and similarity (`like:`, `~`) from the recommender once
its vectors are built. Searches cache their answers by `version`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from papertui.corpus.model import Paper
from papertui.pdfs.store import PdfStore
from papertui.search.matching import tokenize
from papertui.search.query import Term, like_references
from papertui.state import Marks, MarkStore, title_key

if TYPE_CHECKING:  # numpy and the vectors are imported by the searches that use them, after the first frame
    import numpy as np

    from papertui.recommend.model import Recommender

SIMILARITY_CACHE = 16


class PersonalFacts:
    def __init__(self, marks: MarkStore, pdfs: PdfStore | None = None, recommender: Recommender | None = None) -> None:
        self.marks = marks
        self.pdfs = pdfs
        self._recommender: Recommender | None = None
        self._recommenders = 0  # how many were set: searches cached for an earlier one are stale
        self._similar: dict[tuple[str, str, int, int], np.ndarray | None] = {}
        self.recommender = recommender

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
    def version(self) -> tuple[int, int, int]:
        if self.pdfs is None:
            return self.marks.version, 0, self._recommenders
        self.pdfs.refresh()  # one stat: a file deleted by hand is noticed at the next search
        return self.marks.version, self.pdfs.version, self._recommenders

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
                scores = recommender.train(tagged.tolist()).scores if len(tagged) else None
            else:
                chosen = find_papers(like_references(term.value), papers)
                scores = recommender.like(chosen) if chosen else None
            if len(self._similar) >= SIMILARITY_CACHE:
                self._similar.pop(next(iter(self._similar)))
            self._similar[key] = scores
        return self._similar[key]

    @property
    def new_since(self) -> str | None:
        return self.marks.new_since

    def mask(self, papers: Sequence[Paper], size: int, wanted: Callable[[Marks], bool]) -> np.ndarray:
        return self.marks.mask(papers, size, wanted)

    def downloaded_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        ids = set(self.pdfs.downloaded()) if self.pdfs is not None else set()
        return _papers_with_ids(papers, size, ids)

    def full_text_mask(self, phrase: str, whole: bool, papers: Sequence[Paper], size: int) -> np.ndarray:
        """Papers whose PDF text holds `phrase` (`whole`: as written, else each of its words)."""
        import numpy as np

        if self.pdfs is None:
            return np.zeros(size, dtype=bool)
        needles = [" ".join(phrase.lower().split())] if whole else tokenize(phrase)
        found = set()
        for arxiv_id in self.pdfs.downloaded():
            text = self.pdfs.full_text(arxiv_id)
            if text is not None and needles and all(needle in text for needle in needles):
                found.add(arxiv_id)
        return _papers_with_ids(papers, size, found)


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


def _papers_with_ids(papers: Sequence[Paper], size: int, ids: set[str]) -> np.ndarray:
    import numpy as np

    if not ids:
        return np.zeros(size, dtype=bool)
    return np.fromiter((papers[i].arxiv_id in ids for i in range(size)), dtype=bool, count=size)

"""What the query language asks about the user's own things, in one place for the search:
marks (`is:starred`, `is:read`, `tag:`), when papers were first seen (`is:new`), and the PDF
library (`is:downloaded`, `full:`). Searches cache their answers by `version`.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.pdfs.store import PdfStore
from papertui.search.matching import tokenize
from papertui.state import Marks, MarkStore


class PersonalFacts:
    def __init__(self, marks: MarkStore, pdfs: PdfStore | None = None) -> None:
        self.marks = marks
        self.pdfs = pdfs

    @property
    def version(self) -> tuple[int, int]:
        if self.pdfs is None:
            return self.marks.version, 0
        self.pdfs.refresh()  # one stat: a file deleted by hand is noticed at the next search
        return self.marks.version, self.pdfs.version

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
        if self.pdfs is None:
            return np.zeros(size, dtype=bool)
        needles = [" ".join(phrase.lower().split())] if whole else tokenize(phrase)
        found = set()
        for arxiv_id in self.pdfs.downloaded():
            text = self.pdfs.full_text(arxiv_id)
            if text is not None and needles and all(needle in text for needle in needles):
                found.add(arxiv_id)
        return _papers_with_ids(papers, size, found)


def _papers_with_ids(papers: Sequence[Paper], size: int, ids: set[str]) -> np.ndarray:
    if not ids:
        return np.zeros(size, dtype=bool)
    return np.fromiter((papers[i].arxiv_id in ids for i in range(size)), dtype=bool, count=size)

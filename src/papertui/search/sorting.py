"""Orders for a result's rows: relevance, corpus order, title, date, upvotes, starred first,
newest first, "for you" (a ranking learned from the starred papers), and by citations or
citations a year (Semantic Scholar's counts, given as an array by the caller)."""

from __future__ import annotations

import threading
from typing import Iterator, Sequence, overload

import numpy as np

from papertui.corpus.facts import date_key
from papertui.corpus.model import Paper
from papertui.search.index import RankedRows, SearchResult
from papertui.search.orders import CITATION_ORDERS

class ArrayRows(Sequence[int]):
    """Paper indices held in a numpy array, read as Python ints."""

    def __init__(self, rows: np.ndarray) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, position: int) -> int: ...
    @overload
    def __getitem__(self, position: slice) -> list[int]: ...
    def __getitem__(self, position: int | slice) -> int | list[int]:
        if isinstance(position, slice):
            return self._rows[position].tolist()
        return int(self._rows[position])

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows.tolist())


def rows_array(rows: Sequence[int]) -> np.ndarray:
    if isinstance(rows, range):
        return np.arange(rows.start, rows.stop, rows.step, dtype=np.int64)
    if isinstance(rows, RankedRows):
        return rows.array()
    if isinstance(rows, ArrayRows):
        return rows._rows
    return np.fromiter(rows, dtype=np.int64, count=len(rows))


class Sorter:
    """Sorts results. The corpus-wide title and date keys are computed on first use, and
    again when the corpus has grown (from any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, np.ndarray] = {}

    def sort(
        self,
        result: SearchResult,
        order: str,
        papers: Sequence[Paper],
        starred: np.ndarray | None = None,
        for_you: np.ndarray | None = None,
        citations: np.ndarray | None = None,
    ) -> Sequence[int]:
        """`result`'s rows in `order`; ties keep the result's own order (relevance, else
        corpus order). `starred`: a bool per paper, for "starred"; `for_you`: a score per
        paper, for "for-you"; `citations`: a number per paper, NaN where unknown, for
        "citations" (the count) and "velocity" (citations a year): most first, unknown last
        (without one of these arrays, the result's own order)."""
        if order == "relevance" or (order == "corpus" and result.matched is None):
            return result.rows
        if order in CITATION_ORDERS:
            ranked = rows_array(result.rows)
            if citations is None or len(citations) < (int(ranked.max()) + 1 if len(ranked) else 0):
                return result.rows
            numbers = citations[ranked]
            known = ~np.isnan(numbers)
            first = ranked[known][np.argsort(-numbers[known], kind="stable")]
            return ArrayRows(np.concatenate([first, ranked[~known]]))
        if order == "for-you":
            ranked = rows_array(result.rows)
            if for_you is None or len(for_you) < (int(ranked.max()) + 1 if len(ranked) else 0):
                return result.rows
            return ArrayRows(ranked[np.argsort(-for_you[ranked], kind="stable")])
        matched = result.matched if result.matched is not None else rows_array(result.rows)
        if order == "corpus":
            return ArrayRows(matched)
        if order == "starred":
            ranked = rows_array(result.rows)
            if starred is None or not len(ranked):
                return result.rows
            first = starred[ranked]
            return ArrayRows(np.concatenate([ranked[first], ranked[~first]]))
        size = int(matched.max()) + 1 if len(matched) else 0
        keys = self._corpus_keys(order, papers, size)
        if order == "date":  # the same day: the later arXiv id (announced later) first
            ids = self._corpus_keys("id", papers, size)
            return ArrayRows(matched[np.lexsort((ids[matched], keys[matched]))])
        # Stable sorts over corpus order: equal titles or dates stay in corpus order.
        return ArrayRows(matched[np.argsort(keys[matched], kind="stable")])

    def forget(self) -> None:
        """Dates or other keys changed: compute them again on the next sort."""
        with self._lock:
            self._keys.clear()

    def _corpus_keys(self, order: str, papers: Sequence[Paper], size: int) -> np.ndarray:
        with self._lock:
            keys = self._keys.get(order)
            if keys is None or len(keys) < size:
                count = len(papers)
                if order == "id":  # newest id first; papers without one last
                    with_id = sorted((i for i in range(count) if papers[i].arxiv_id), key=lambda i: _id_order(papers[i].arxiv_id), reverse=True)
                    keys = np.full(count, 1 << 40, dtype=np.int64)
                    keys[with_id] = np.arange(len(with_id))
                elif order == "title":
                    by_title = sorted(range(count), key=lambda i: papers[i].title.casefold())
                    keys = np.empty(count, dtype=np.int64)
                    keys[by_title] = np.arange(count)
                elif order == "new":  # most recently first seen first; papers never fetched last
                    by_seen = sorted(range(count), key=lambda i: papers[i].first_seen or "", reverse=True)
                    keys = np.empty(count, dtype=np.int64)
                    keys[by_seen] = np.arange(count)
                    unseen = np.fromiter((not papers[i].first_seen for i in range(count)), dtype=bool, count=count)
                    keys[unseen] = 1 << 40
                elif order == "upvotes":  # most first; papers without a count last
                    votes = np.fromiter((-1 if papers[i].upvotes is None else papers[i].upvotes for i in range(count)), dtype=np.int64, count=count)
                    keys = np.where(votes < 0, 1 << 40, -votes)
                else:  # newest first; unknown dates last
                    dates = np.fromiter((date_key(papers[i]) for i in range(count)), dtype=np.int64, count=count)
                    keys = np.where(dates == 0, 1 << 40, -dates)
                self._keys[order] = keys
            return keys


def _id_order(arxiv_id: str | None) -> tuple[int, str]:
    """New-style ids (2406.16845) sort by their digits; old-style ones (hep-th/9901001) by
    year and month, which come before every new-style id."""
    arxiv_id = arxiv_id or ""
    if "/" in arxiv_id:
        number = arxiv_id.split("/", 1)[1]
        year = int(number[:2]) if number[:2].isdigit() else 0
        return (0, f"{1900 + year if year > 90 else 2000 + year}{number[2:]}")
    head, _, tail = arxiv_id.partition(".")
    return (1, f"{head}.{tail.rjust(5, '0')}")

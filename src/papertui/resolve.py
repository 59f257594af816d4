"""Finding the arXiv ids of papers listed without one, by title search in the arXiv API.

Only confident matches are taken: the same title letter for letter (case, spacing and
punctuation aside), or one so similar that only a typo or a LaTeX spelling tells them apart.
Every answer, found or not, is cached in the data directory, so a title is asked once; the
API's rate limit (one request every 3 seconds) is kept. No Textual here.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from papertui.corpus.arxiv_atom import parse_arxiv_atom
from papertui.corpus.merge import text_key
from papertui.corpus.model import FileReport, Paper, Record
from papertui.corpus.records import iso_date
from papertui.corpus.stored import positions_without_id
from papertui.corpus.text import clean, printable, valid_unicode
from papertui.links import parse_arxiv_id
from papertui.storage.regular_files import read_regular_bytes, shown
from papertui.sources.http import RETRIES, Client, FetchError, Throttle
from papertui.storage.files import LockError, data_dir, file_lock, move_aside, remove_stale_temp_files, write_atomically

DEFAULT_API = "https://export.arxiv.org/api/query"
API_VARIABLE = "PAPERTUI_ARXIV_API"
CACHE_FILE = "resolved.json"
CACHE_VERSION = 1
CACHE_LIMIT = 256 << 20  # a few hundred bytes per title asked: past this it is not our file
REQUEST_INTERVAL = 3.0  # arXiv's terms of use: no more than one request every three seconds
TIMEOUT = 20.0
CANDIDATES = 5  # answers asked for per title
# How alike two titles must be (rapidfuzz ratio on lower-case words) to be the same paper.
CONFIDENT_SIMILARITY = 95.0


class ResolveError(Exception):
    """The API could not answer: the run stops (nothing is cached for it)."""


class MalformedAnswer(Exception):
    """The API answered, but not with a feed we can read: this title is skipped."""


@dataclass(frozen=True)
class Answer:
    """What the API said about one title: the id found (None: no confident match), the arXiv
    title it has, and the closest title seen when none was close enough."""

    arxiv_id: str | None
    title: str | None
    similarity: float
    asked: str  # ISO time of the request
    # What arXiv says of the paper found, to fill what the listing lacked (a full BibTeX entry).
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published: str | None = None
    abstract: str | None = None

    def to_json(self) -> dict:
        data = {"id": self.arxiv_id, "title": self.title, "similarity": round(self.similarity, 1), "asked": self.asked}
        if self.arxiv_id:
            data.update(authors=list(self.authors), categories=list(self.categories), published=self.published, abstract=self.abstract)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Answer:
        arxiv_id = data.get("id")
        # The file may have been edited by hand: only a well-formed id, only clean text.
        return cls(
            arxiv_id if isinstance(arxiv_id, str) and parse_arxiv_id(arxiv_id) == arxiv_id else None,
            clean(data["title"]) if isinstance(data.get("title"), str) else None,
            _similarity(data.get("similarity")),
            data["asked"] if isinstance(data.get("asked"), str) else "",
            _strings(data.get("authors")),
            _strings(data.get("categories")),
            iso_date(data["published"]) if isinstance(data.get("published"), str) else None,
            clean(data["abstract"]) if isinstance(data.get("abstract"), str) else None,
        )


def _similarity(value: object) -> float:
    """A similarity from a hand-editable file: 0 to 100, else 0 (not 10**400, NaN or "x")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    try:
        similarity = float(value)
    except OverflowError:
        return 0.0
    return similarity if 0.0 <= similarity <= 100.0 else 0.0  # NaN fails both


def _strings(value: object) -> tuple[str, ...]:
    return tuple(clean(item) for item in value if isinstance(item, str) and clean(item)) if isinstance(value, list) else ()


def api_url() -> str:
    return os.environ.get(API_VARIABLE) or DEFAULT_API


def title_query(title: str) -> str:
    """The search: the title's words as a phrase in the title field."""
    words = re.findall(r"\w+", title)
    return f'ti:"{" ".join(words)}"'


def _spaced(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def best_match(title: str, candidates: Iterable[tuple[str, str]]) -> tuple[str | None, str | None, float]:
    """(id, arXiv title, similarity) of the candidate that is confidently `title`, or
    (None, the closest title, its similarity) when none is."""
    wanted, wanted_words = text_key(title), _spaced(title)
    best: tuple[str | None, str | None, float] = (None, None, 0.0)
    for arxiv_id, found in candidates:
        similarity = 100.0 if text_key(found) == wanted else fuzz.ratio(wanted_words, _spaced(found))
        if similarity > best[2]:
            best = (arxiv_id, found, similarity)
    if best[2] >= CONFIDENT_SIMILARITY:
        return best
    return None, best[1], best[2]


class ArxivSearch:
    """The arXiv API's title search through papertui's polite client: one request at a time,
    never faster than `interval`, Retry-After honoured on 429 and 503."""

    def __init__(self, base_url: str | None = None, interval: float | None = None, timeout: float = TIMEOUT,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url or api_url()
        self.interval = REQUEST_INTERVAL if interval is None else interval
        self.client = Client("the arXiv API", Throttle(self.interval, clock, sleep), retries=RETRIES, timeout=timeout)

    @property
    def requests(self) -> int:
        return self.client.requests

    def search_title(self, title: str) -> list[Record]:
        """Each paper the API finds for `title` (with an id and a title). Raises ResolveError when
        there is no answer (no network, an HTTP error), MalformedAnswer for an unreadable one."""
        query = urllib.parse.urlencode({"search_query": title_query(title), "start": 0, "max_results": CANDIDATES})
        url = f"{self.base_url}{'&' if '?' in self.base_url else '?'}{query}"
        try:
            body = self.client.get(url)
        except FetchError as error:
            message = str(error)
            raise ResolveError(message + ("; try again later" if "answered" in message else "")) from None
        return _entries(body)


def _entries(body: bytes) -> list[Record]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedAnswer("the answer is not UTF-8") from None
    if "<feed" not in text:
        raise MalformedAnswer("the answer is not an Atom feed")
    report = FileReport("arXiv API")
    records = list(parse_arxiv_atom(text, report))
    if report.warnings:
        raise MalformedAnswer(report.warnings[0].split(": ", 1)[1])
    return [record for record in records if record.arxiv_id and record.title]


class ResolveCache:
    """Every answer so far, by the title's key, in `resolved.json` in the data directory.

    A damaged file is moved aside (with a warning) and the cache starts empty.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.answers: dict[str, Answer] = {}
        self.warnings: list[str] = []
        self._new: dict[str, Answer] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path | None = None) -> ResolveCache:
        cache = cls((directory or data_dir()) / CACHE_FILE)
        cache.answers = cache._read()
        remove_stale_temp_files(cache.path)
        return cache

    def get(self, title: str) -> Answer | None:
        return self.answers.get(text_key(title))

    def put(self, title: str, answer: Answer) -> None:
        with self._lock:
            self.answers[text_key(title)] = self._new[text_key(title)] = answer

    def save(self) -> str | None:
        """Write the new answers (merged with what another papertui wrote); the problem, if any."""
        if self.path is None or not self._new:
            return None
        try:
            with file_lock(self.path):
                on_disk = self._read()
                with self._lock:
                    on_disk.update(self._new)
                    data = {"version": CACHE_VERSION, "titles": {k: a.to_json() for k, a in sorted(on_disk.items())}}
                    write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
                    self._new.clear()
                    self.answers = {**on_disk, **self.answers}
        except (OSError, LockError, ValueError) as error:  # ValueError: text no file can hold
            return f"cannot save the resolver's cache to {shown(self.path)}: {getattr(error, 'strerror', None) or error}"
        return None

    def _read(self) -> dict[str, Answer]:
        if self.path is None:
            return {}
        try:
            # A FIFO or a device there is refused, not waited on, and never written over.
            raw = read_regular_bytes(self.path, CACHE_LIMIT)
        except FileNotFoundError:
            return {}
        except OSError as error:
            self.warnings.append(f"cannot read the resolver's cache {shown(self.path)}: {error.strerror or error}; it is not used")
            self.path = None  # do not overwrite what we could not read
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("titles"), dict):
                raise ValueError("no 'titles' object")
            version = data.get("version", CACHE_VERSION)
            if isinstance(version, bool) or not isinstance(version, int):
                raise ValueError("its version is not a whole number")
            if version > CACHE_VERSION:
                self.warnings.append(f"the resolver's cache {shown(self.path)} is from a newer papertui; it is not used")
                self.path = None
                return {}
            # valid_unicode: a hand-written lone surrogate in a key would make every save fail.
            return {valid_unicode(key): Answer.from_json(value) for key, value in data["titles"].items() if isinstance(value, dict)}
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as error:
            reason = " ".join(printable(str(error)).split())[:200]
            try:
                aside = move_aside(self.path)
            except OSError as move_error:  # a read-only directory: leave it, and never write over it
                self.warnings.append(
                    f"the resolver's cache {shown(self.path)} is damaged ({reason}) and cannot be moved aside "
                    f"({move_error.strerror or move_error}); it is not used"
                )
                self.path = None
                return {}
            self.warnings.append(f"the resolver's cache {shown(self.path)} is damaged ({reason}); it was moved aside to {shown(aside.name)}")
            return {}


def needs_id(paper: Paper) -> bool:
    """A paper the title search can help: no id, and a real title (not one derived from
    the abstract, which no arXiv title would match)."""
    return not paper.arxiv_id and not paper.title_derived and len(text_key(paper.title)) >= 10


def apply_cached(papers: Sequence[Paper], cache: ResolveCache) -> list[int]:
    """Give papers without an id the id cached for their title; the indices changed."""
    changed = []
    if not cache.answers:
        return changed
    for number in positions_without_id(papers):  # stored papers: only those are made
        paper = papers[number]
        if paper.arxiv_id or paper.title_derived:
            continue
        answer = cache.get(paper.title)
        if answer is not None and answer.arxiv_id:
            fill_from_answer(paper, answer)
            changed.append(number)
    return changed


@dataclass(frozen=True)
class Outcome:
    """What resolving one paper gave."""

    paper: Paper
    answer: Answer | None  # None: the answer could not be read (`problem` says why)
    cached: bool = False
    problem: str | None = None

    def describe(self) -> str:
        if self.answer is None:
            return f"skipped ({self.problem}): {self.paper.title}"
        if self.answer.arxiv_id:
            how = "same title" if self.answer.similarity >= 100 else f"{self.answer.similarity:.0f}% alike"
            return f"found {self.answer.arxiv_id} ({how}{', cached' if self.cached else ''}): {self.answer.title}"
        closest = f"; closest: “{self.answer.title}”, {self.answer.similarity:.0f}% alike" if self.answer.title else ""
        return f"no confident match{' (cached)' if self.cached else ''}{closest}: {self.paper.title}"


class Resolver:
    """Resolves papers one by one: from the cache, or by asking the API."""

    def __init__(self, cache: ResolveCache, search: ArxivSearch | None = None) -> None:
        self.cache = cache
        self.search = search or ArxivSearch()

    def resolve(self, paper: Paper) -> Outcome:
        """Look the paper's title up (the cache first) and give it the id when confident.
        Raises ResolveError when the API cannot be reached: the caller stops there."""
        answer = self.cache.get(paper.title)
        if answer is not None:
            self._apply(paper, answer)
            return Outcome(paper, answer, cached=True)
        try:
            candidates = self.search.search_title(paper.title)
        except MalformedAnswer as error:
            return Outcome(paper, None, problem=f"the arXiv API's answer could not be read: {error}")
        arxiv_id, title, similarity = best_match(paper.title, ((r.arxiv_id or "", r.title or "") for r in candidates))
        found = next((r for r in candidates if arxiv_id and r.arxiv_id == arxiv_id), None)
        answer = Answer(
            arxiv_id, title, similarity, datetime.now(timezone.utc).isoformat(timespec="seconds"),
            *((found.authors, found.categories, found.published, found.abstract or None) if found else ()),
        )  # fmt: skip
        self.cache.put(paper.title, answer)
        self._apply(paper, answer)
        return Outcome(paper, answer)

    @staticmethod
    def _apply(paper: Paper, answer: Answer) -> None:
        if answer.arxiv_id and not paper.arxiv_id:
            fill_from_answer(paper, answer)


def fill_from_answer(paper: Paper, answer: Answer) -> None:
    """The id found, and what the listing lacked of what arXiv says: authors, categories,
    the published date, the abstract."""
    paper.arxiv_id, paper.resolved_from = answer.arxiv_id, answer.title
    paper.authors = paper.authors or answer.authors
    paper.categories = paper.categories or answer.categories
    paper.published = paper.published or answer.published
    if answer.abstract and not paper.abstract:
        paper.abstract = answer.abstract

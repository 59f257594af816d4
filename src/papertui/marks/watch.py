"""The watch list: authors and words whose new papers the user wants to see (`is:watched`,
the list's highlight, the digest's "Watched" section).

Two places: `[watch] authors = [...]`, `words = [...]` in the config file (hand-written), and
`watch.json` in the data directory (the authors watched from the app with `w`), written
atomically under its lock as the marks are; a damaged one is moved aside, never overwritten.

Authors match as people write names: case and accents aside (Müller, Muller, MÜLLER), "Last,
First" as "First Last", initials for given names either way (Y. LeCun, Yann LeCun, LeCun, Yann),
middle names optional when one side leaves them out (Geoffrey E. Hinton, Geoffrey Hinton), a
family name alone for any given name (LeCun). Different given names never match (John Smith,
Jane Smith), but an initial stands for both (J. Smith is either: there is no telling).
Words match whole words of the title or abstract, as the search splits them (`diffusion` is in
"Diffusion-based"); a phrase matches its words in a row.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from papertui.corpus.model import Paper
from papertui.corpus.text import printable, strip_controls
from papertui.search.matching import tokenize
from papertui.storage.files import LockError, data_dir, file_lock, move_aside, write_atomically
from papertui.storage.regular_files import read_regular_bytes, shown

if TYPE_CHECKING:
    import numpy as np

WATCH_FILE = "watch.json"
WATCH_FILE_LIMIT = 1 << 20  # a few hundred names; past this it is not our file
FORMAT_VERSION = 1
CHUNK = 4096  # papers folded at once for the quick pre-check (bounds the memory it takes)

# Words before a family name that belong to it (Yann Le Cun, Ludwig van Beethoven), when a
# given name comes before them: "Le Song" and "Da Wang" keep Le and Da as given names.
_PARTICLES = frozenset("van von der den de del della di da du la le dos das ter ten zu dei degli".split())
_SUFFIXES = frozenset("jr sr ii iii iv".split())
# Bytes the quick pre-check leaves out of the folded text (all but letters, digits and the
# separators of authors and papers): "Le Cun" and "LeCun" read alike there.
_NOT_KEPT = bytes(b for b in range(128) if not chr(b).isalnum() and b not in (0, 1))


class WatchError(Exception):
    """watch.json could not be read or written; the message says why in one line."""


def fold(text: str) -> str:
    """Case and accents folded away: Müller, MÜLLER and muller fold alike."""
    if text.isascii():
        return text.lower()
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))


# The combining marks that accents decompose into (é = e + U+0301), in the blocks of marks made
# for any script. Marks of one script's own block (Devanagari vowel signs) stay, as both a
# watched word and the text decompose alike; a class of every mark (hundreds of ranges) read
# each character 30 times slower.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _quick_key(text: str) -> bytes:
    """The pre-check's form of a folded word: ASCII letters and digits only. A word that is in
    a text keeps this form inside the text's (leaving characters out keeps a part a part)."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").lower().translate(None, _NOT_KEPT)


# --- authors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    given: tuple[str, ...]  # folded; one letter: an initial
    family: str  # folded letters and digits, joined: "lecun" for LeCun and Le Cun
    core: str  # the family name's last word, in every way of writing it ("cun" for Le Cun)


@lru_cache(maxsize=65536)  # the same authors come back paper after paper
def _parse(name: str) -> _Name | None:
    words = " ".join(name.replace(",", " , ").split()).split(" ")
    if "," in words:
        at = words.index(",")
        family_words = words[:at]
        given_words = [word for word in words[at + 1 :] if word != "," and fold(word).strip(".") not in _SUFFIXES]
        family_words = _particles(given_words) + family_words  # "Beethoven, Ludwig van"
    else:
        words = [word for word in words if word]
        while len(words) > 1 and fold(words[-1]).strip(".") in _SUFFIXES:
            words.pop()
        given_words = words[:-1]
        family_words = _particles(given_words) + words[-1:]
    family_tokens = tokenize(fold(" ".join(family_words)))
    if not family_tokens:
        return None
    mixed_case = any(char.islower() for char in name)
    given: list[str] = []
    for word in given_words:
        for piece in word.replace("-", " ").replace(".", " ").replace("\u2010", " ").split():
            # "JP Morgan": capitals run together are initials, unless the whole name is in capitals.
            if mixed_case and 2 <= len(piece) <= 3 and piece.isupper() and piece.isalpha():
                given += [fold(letter) for letter in piece]
            else:
                given += [part for part in tokenize(fold(piece)) if part]
    return _Name(tuple(given), "".join(family_tokens), family_tokens[-1])


def _particles(given_words: list[str]) -> list[str]:
    """Take the particles that end `given_words` (keeping a given name before them) and return
    them in order. Popped and reversed once: inserting each at the front was quadratic, and a
    paper's author of 160k words "van" took 6 s."""
    taken = []
    while len(given_words) > 1 and fold(given_words[-1]) in _PARTICLES:
        taken.append(given_words.pop())
    return taken[::-1]


def _same_given(one: str, other: str) -> bool:
    if len(one) == 1 or len(other) == 1:  # an initial
        return one[0] == other[0]
    return one == other


def _same_person(watched: _Name, written: _Name) -> bool:
    if watched.family != written.family:
        return False
    # Given names compared in order while both sides have them: one side's extra middle
    # names (or a family name alone) do not stop a match.
    return all(_same_given(one, other) for one, other in zip(watched.given, written.given))


def same_author(watched: str, written: str) -> bool:
    """Does the author name `written` (as a paper gives it) name the person `watched`?"""
    one, other = _parse(watched), _parse(written)
    return one is not None and other is not None and _same_person(one, other)


# --- words -------------------------------------------------------------------------------


def _has_words(text: str, words: tuple[str, ...]) -> bool:
    """Are `words` (folded tokens) in the folded `text`, whole, one after another?"""
    start = text.find(words[0])
    while start != -1:
        if _words_at(text, start, words):
            return True
        start = text.find(words[0], start + 1)
    return False


# --- the list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchList:
    authors: tuple[str, ...] = ()  # as the user wrote them
    words: tuple[str, ...] = ()  # words or phrases
    problems: tuple[str, ...] = field(default=(), compare=False)  # one line each: what was left out

    @classmethod
    def load(cls, config: Path | None = None, directory: Path | None = None) -> WatchList:
        """The config's `[watch]` (the file papertui reads, or `config`) and the authors watched
        from the app (watch.json in `directory`, default the data directory). Never raises: a
        problem is a line in `problems`, and the rest is loaded."""
        from papertui.sources.config import read_config, watch_settings

        settings, problem = read_config(config)
        watch = watch_settings(settings)
        problems = [problem] if problem else []
        problems += watch.problems
        try:
            from_app, file_problem = _read_file((directory or data_dir()) / WATCH_FILE, move_damaged=True)
        except WatchError as error:
            from_app, file_problem = [], f"{error}; the authors watched from the app are left out"
        if file_problem:
            problems.append(file_problem)
        authors: dict[str, str] = {}
        for name in [*watch.authors, *from_app]:
            name = _one_line(name)
            if _parse(name) is None:
                problems.append(f"watched author {printable(name)[:60]!r} has no name to match; ignored")
            else:
                authors.setdefault(fold(name), name)
        words: dict[tuple[str, ...], str] = {}
        for word in watch.words:
            word = _one_line(word)
            tokens = tuple(tokenize(fold(word)))
            if not tokens:
                problems.append(f"watched word {printable(word)[:60]!r} has no letters or digits; ignored")
            else:
                words.setdefault(tokens, word)
        return cls(tuple(authors.values()), tuple(words.values()), tuple(problems))

    @property
    def empty(self) -> bool:
        return not (self.authors or self.words)

    @cached_property
    def _people(self) -> tuple[tuple[str, _Name], ...]:
        return tuple((name, parsed) for name in self.authors if (parsed := _parse(name)) is not None)

    @cached_property
    def _phrases(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((word, tokens) for word in self.words if (tokens := tuple(tokenize(fold(word)))))

    def watched_author(self, paper: Paper) -> str | None:
        """The first watched author (as written in the list) who wrote `paper`."""
        for name, person in self._people:
            for written in paper.authors:
                parsed = _parse(written)
                if parsed is not None and _same_person(person, parsed):
                    return name
        return None

    def watched_word(self, paper: Paper) -> str | None:
        """The first watched word or phrase (as written in the list) in the title or abstract."""
        if not self._phrases:
            return None
        texts = (fold(paper.title), fold(paper.abstract))
        for word, tokens in self._phrases:
            if any(_has_words(text, tokens) for text in texts):
                return word
        return None

    def reason(self, paper: Paper) -> str | None:
        """Why `paper` is watched, in one line ("watched author: Yann LeCun"), or None."""
        author = self.watched_author(paper)
        if author is not None:
            return f"watched author: {author}"
        word = self.watched_word(paper)
        return f"watched word: {word}" if word is not None else None

    def mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """A bool per paper of papers[:size]: watched? The texts of thousands of papers are
        folded and joined at once, each watched name's and word's letters found in them at C
        speed; only the papers found are then read one by one."""
        import numpy as np

        chosen = np.zeros(size, dtype=bool)
        people = [(person, _quick_key(person.core)) for _, person in self._people]
        phrases = [tokens for _, tokens in self._phrases]
        for low in range(0, size, CHUNK):
            chunk = papers[low : min(size, low + CHUNK)]
            found = chosen[low : low + len(chunk)]  # a view: what is found is chosen
            if people:
                _authors_in(chunk, people, found)
            if phrases:
                _words_in(chunk, phrases, found)
        return chosen


def watched_among(watch: Any, papers: Sequence[Paper], rows: np.ndarray) -> np.ndarray:
    """The positions of `rows` whose papers `watch` matches (its `mask` over those papers
    alone: counting the new watched papers reads the new papers, not every paper)."""
    chosen = [papers[i] for i in rows.tolist()]
    return rows[watch.mask(chosen, len(chosen))] if chosen else rows


def _starts(lengths: list[int]) -> np.ndarray:
    """Where each of texts of these lengths starts once they are joined with one separator."""
    import numpy as np

    ends = np.cumsum(np.asarray(lengths, dtype=np.int64) + 1)
    return np.concatenate([[0], ends[:-1]])


def _authors_in(chunk: Sequence[Paper], people: list[tuple[_Name, bytes]], found: np.ndarray) -> None:
    """Mark in `found` the papers of `chunk` by one of `people`. The pre-check: each person's
    family name (its last word, as `_quick_key` writes it) inside the paper's author line."""
    import numpy as np

    lines = [_quick_key("\x00".join(paper.authors)) for paper in chunk]
    blob, starts = b"\x01".join(lines), _starts([len(line) for line in lines])
    for person, key in people:
        candidates: list[int] = list(range(len(chunk))) if not key else []
        position = blob.find(key) if key else -1
        while position != -1:
            number = int(np.searchsorted(starts, position, side="right")) - 1
            candidates.append(number)
            position = blob.find(key, int(starts[number + 1]) if number + 1 < len(starts) else len(blob))
        for number in candidates:
            if not found[number] and any(
                (not key or key in _quick_key(written)) and (parsed := _parse(written)) is not None and _same_person(person, parsed)
                for written in chunk[number].authors
            ):
                found[number] = True


def _words_in(chunk: Sequence[Paper], phrases: list[tuple[str, ...]], found: np.ndarray) -> None:
    """Mark in `found` the papers of `chunk` with one of `phrases` (folded words) in the title
    or the abstract, read in all their texts folded and joined (a separator between title and
    abstract, another between papers: a phrase never runs across them)."""
    import numpy as np

    texts = [fold(part) for paper in chunk for part in (paper.title, paper.abstract)]
    blob, starts = "\x00".join(texts), _starts([len(text) for text in texts])
    for words in phrases:
        position = blob.find(words[0])
        while position != -1:
            if not _words_at(blob, position, words):
                position = blob.find(words[0], position + 1)
                continue
            number = (int(np.searchsorted(starts, position, side="right")) - 1) // 2
            found[number] = True
            following = 2 * (number + 1)  # on to the next paper
            position = blob.find(words[0], int(starts[following])) if following < len(starts) else -1


def _words_at(text: str, start: int, words: tuple[str, ...]) -> bool:
    """Are `words` whole words of `text`, one after another from `start`? A NUL ends a text
    (of those joined): a phrase does not run on across it."""
    if start > 0 and text[start - 1].isalnum():
        return False
    position, end = start + len(words[0]), len(text)
    for word in words[1:]:
        if position < end and text[position].isalnum():
            return False
        while position < end and not text[position].isalnum():
            if text[position] == "\x00":
                return False
            position += 1
        if not text.startswith(word, position):
            return False
        position += len(word)
    return position == end or not text[position].isalnum()


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())


# --- watch.json --------------------------------------------------------------------------


def _read_file(path: Path, move_damaged: bool) -> tuple[list[str], str | None]:
    """The authors in watch.json, and a one-line problem (then no authors). A damaged file is
    moved aside (`move_damaged`); one that cannot be read raises nothing but says so."""
    try:
        raw = read_regular_bytes(path, WATCH_FILE_LIMIT)
    except FileNotFoundError:
        return [], None
    except OSError as error:
        raise WatchError(f"cannot read the watch list file {shown(path)}: {error.strerror or error}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("authors"), list):
            raise ValueError("no 'authors' list")
        if not all(isinstance(name, str) for name in data["authors"]):
            raise ValueError("an author is not a string")
        return list(data["authors"]), None
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        reason = " ".join(printable(str(error)).split())[:200]
        if not move_damaged:
            return [], f"the watch list file {shown(path)} is damaged ({reason})"
        try:
            aside = move_aside(path)
        except OSError as move_error:
            raise WatchError(
                f"the watch list file {shown(path)} is damaged ({reason}) and cannot be moved aside ({move_error.strerror or move_error})"
            ) from None
        return [], f"the watch list file {shown(path)} is damaged ({reason}); it was moved aside to {shown(aside.name)}"


def watch_author(name: str, directory: Path | None = None) -> None:
    """Add `name` to the authors watched from the app (watch.json), unless it is there already.
    Raises WatchError (one line) when it cannot be saved."""
    name = _one_line(name)
    if _parse(name) is None:
        raise WatchError(f"{printable(name)[:60]!r} has no name to watch")

    def add(authors: list[str]) -> bool:
        if any(fold(known) == fold(name) for known in authors):
            return False
        authors.append(name)
        return True

    _change((directory or data_dir()) / WATCH_FILE, add)


def unwatch_author(name: str, directory: Path | None = None) -> bool:
    """Stop watching `name` from the app (watch.json); False when it was not there (an author
    of the config's `[watch]` stays until taken out of the config). Raises WatchError."""
    removed = []

    def remove(authors: list[str]) -> bool:
        kept = [known for known in authors if fold(known) != fold(_one_line(name))]
        removed.append(len(kept) != len(authors))
        authors[:] = kept
        return removed[-1]

    _change((directory or data_dir()) / WATCH_FILE, remove)
    return removed[-1]


def _change(path: Path, change) -> None:
    """Read watch.json under its lock, `change` its authors (True: changed), write it back."""
    try:
        with file_lock(path):
            authors, _ = _read_file(path, move_damaged=True)  # damaged: moved aside, then a new one
            if not change(authors):
                return
            data = {"version": FORMAT_VERSION, "authors": authors}
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            if len(text.encode("utf-8")) > WATCH_FILE_LIMIT:  # written, it could not be read back: every name lost
                raise WatchError(f"the watch list file {shown(path)} would be larger than {WATCH_FILE_LIMIT:,} bytes: stop watching some authors first")
            try:
                write_atomically(path, text)
            except OSError as error:
                raise WatchError(f"cannot save the watch list to {shown(path)}: {error.strerror or error}") from None
    except LockError as error:
        raise WatchError(f"cannot save the watch list in {shown(path.parent)}: {error}") from None

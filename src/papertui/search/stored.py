"""The index as plain arrays and back: what the on-disk cache keeps, so a restart rebuilds nothing.

`index_parts` turns a built `SearchIndex` into named numpy arrays and a small JSON-able
description; `restore_index` makes a working index from them (the arrays may be memory-mapped
and read-only: nothing here writes to them). Checking that the parts are whole is the
caller's job before it trusts them; `check_parts` does the checks that keep numpy from
reading out of bounds.

Kept whole, the vocabulary is one blob of words with one trigram index and one typo-key
table. After an update (`index_parts(whole=False)`), the stored blobs, their trigram
indexes and the stored typo keys stay as they are and the words added are one more blob
and one more typo chunk (as `VocabularyView` holds them while loading), so that nothing
stored is built or written again; segments left as they were are the stored arrays too.
"""

from __future__ import annotations

import weakref
from typing import Any, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.packed_arrays import offsets_fit
from papertui.search.index import WORD_START_LETTERS, SearchIndex
from papertui.search.segment import FieldPostings, Segment
from papertui.search.trigrams import Trigrams
from papertui.search.typo_keys import TypoKeys
from papertui.search.vocabulary import TRIGRAM_TEXT, Vocabulary, VocabularyView

FIELDS = ("title", "abstract")
FACTS = ("date", "title", "abstract")
# A restored vocabulary's blobs as stored: first word id -> (the blob's bytes as read, its word
# count), so that an update can give the stored array back instead of encoding the text again.
_STORED_BLOBS: weakref.WeakKeyDictionary[Vocabulary, dict[int, tuple[np.ndarray, int]]] = weakref.WeakKeyDictionary()


def _part(name: str, part: int) -> str:
    """Part `part` of the arrays named `name` (the first one named as a whole vocabulary's)."""
    return name if part == 0 else f"{name}@{part}"


class DamagedIndex(ValueError):
    """Stored parts that do not make a consistent index."""


def index_parts(index: SearchIndex, papers: Sequence[Paper], whole: bool = True) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and a description of everything `index` holds over `papers`; unless `whole`,
    the vocabulary in parts, the stored ones as they were read (see the module docstring)."""
    state = index._state
    # Every field's word-start marks, kept too: a start from the cache then makes nothing
    # before its first keys (1-2 s at 2.7M papers, which the first keys would wait on).
    for pairs in (False, True):
        for segment in state.segments:
            for postings in (segment.title, segment.abstract):
                postings.prepare_word_starts(WORD_START_LETTERS, segment.stop - segment.start, pairs=pairs)
    assert state.vocabulary is not None or not state.segments
    stored = _STORED_BLOBS.get(index._vocabulary) if not whole else None
    view = state.vocabulary
    if stored and view is not None:
        arrays, description = _vocabulary_in_parts(view, stored)
    else:
        arrays, description = _whole_vocabulary(view)
    segments = []
    word_starts: dict[str, list[list[Any]]] = {}
    for number, segment in enumerate(state.segments):
        segments.append([segment.start, segment.stop])
        for field in FIELDS:
            postings: FieldPostings = getattr(segment, field)
            for name in FieldPostings.ARRAYS:
                arrays[f"segment{number}.{field}.{name}"] = getattr(postings, name)
            kept = _word_starts_parts(postings)
            if kept is not None:
                arrays[f"segment{number}.{field}.starts"], word_starts[f"{number}.{field}"] = kept
    description["word_starts"] = word_starts
    facts = index._facts.moved_to(papers, state)
    for name in FACTS:
        arrays[f"facts.{name}"] = facts.get(name)
    patched = [[paper, sorted(title), sorted(abstract)] for paper, (title, abstract) in state.patched.items()]
    description.update(segments=segments, patched=patched)
    return arrays, description


def _word_starts_parts(postings: FieldPostings) -> tuple[np.ndarray, list[list[Any]]] | None:
    """A field's kept word-start marks as one array of their bits, one after another, and
    each prefix with where its exact word's papers are in the field's postings."""
    listed, bits = [], []
    base = postings.papers.__array_interface__["data"][0]
    for prefix, (marks, exact) in postings.word_starts.items():
        start = (exact.__array_interface__["data"][0] - base) // postings.papers.itemsize if len(exact) else 0
        if not 0 <= start <= start + len(exact) <= len(postings.papers):
            continue  # not a view of these postings: made again when wanted
        listed.append([prefix, int(start), int(start + len(exact))])
        bits.append(marks)
    return (np.concatenate(bits), listed) if listed else None


def _restore_word_starts(postings: FieldPostings, bits: np.ndarray, listed: list[list[Any]], count: int) -> None:
    size = (count + 7) // 8
    starts = {str(prefix): (bits[i * size : (i + 1) * size], postings.papers[int(low) : int(high)]) for i, (prefix, low, high) in enumerate(listed)}
    object.__setattr__(postings, "word_starts", starts)


def _whole_vocabulary(view: VocabularyView | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The vocabulary as one blob, one trigram index and one typo-key table."""
    words = list(view.words[: view.size]) if view else []
    text = "".join(word + "\n" for word in words)
    starts = np.zeros(len(words), dtype=np.int64)
    if words:
        np.cumsum([len(word) + 1 for word in words[:-1]], out=starts[1:])
    typo_keys = TypoKeys.merged(view.typo_keys if view else ())
    arrays: dict[str, np.ndarray] = {
        "vocabulary.text": np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8),
        "vocabulary.starts": starts,
    }
    for name in TypoKeys.ARRAYS:
        arrays[f"typo.{name}"] = getattr(typo_keys, name)
    # Kept so that a start from the cache builds nothing (seconds at millions of papers).
    trigrams = view.whole_trigrams() if view else None
    if trigrams is not None:
        for name in Trigrams.DTYPES:
            arrays[f"trigrams.{name}"] = getattr(trigrams, name)
    return arrays, {"words": len(words), "trigrams": trigrams is not None}


def _vocabulary_in_parts(view: VocabularyView, stored: dict[int, tuple[np.ndarray, int]]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The stored blobs as read (with their trigram indexes), then the words added since as
    one more blob; every typo-key chunk as it is."""
    kept = 0
    while kept < len(view.blobs) and stored.get(view.blobs[kept][2], (None, -1))[1] == len(view.blobs[kept][1]):
        kept += 1
    blobs: list[tuple[np.ndarray, np.ndarray, Trigrams | None]] = []
    for number in range(kept):
        _, starts, first = view.blobs[number]
        blobs.append((stored[first][0], starts, view._trigrams.get(number)))
    if kept < len(view.blobs):
        words = view.words[view.blobs[kept][2] : view.size]
        text = "".join(word + "\n" for word in words)
        starts = np.zeros(len(words), dtype=np.int64)
        if words:
            np.cumsum([len(word) + 1 for word in words[:-1]], out=starts[1:])
        built = view._trigrams.get(kept) if kept == len(view.blobs) - 1 else None
        trigrams = built or (Trigrams.build(text) if len(text) >= TRIGRAM_TEXT else None)
        blobs.append((np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8), starts, trigrams))
    arrays: dict[str, np.ndarray] = {}
    for number, (text_bytes, starts, trigrams) in enumerate(blobs):
        arrays[_part("vocabulary", number) + ".text"] = text_bytes
        arrays[_part("vocabulary", number) + ".starts"] = starts
        for name in Trigrams.DTYPES if trigrams is not None else ():
            arrays[f"{_part('trigrams', number)}.{name}"] = getattr(trigrams, name)
    for number, chunk in enumerate(view.typo_keys):
        for name in TypoKeys.ARRAYS:
            arrays[f"{_part('typo', number)}.{name}"] = getattr(chunk, name)
    description = {
        "words": view.size,
        "trigrams": blobs[0][2] is not None if blobs else False,
        "blobs": [[len(starts), trigrams is not None] for _, starts, trigrams in blobs],
        "typo_chunks": max(1, len(view.typo_keys)),
    }
    if not view.typo_keys:
        empty = TypoKeys.merged(())
        for name in TypoKeys.ARRAYS:
            arrays[f"typo.{name}"] = getattr(empty, name)
    return arrays, description


def _blobs(description: dict[str, Any]) -> list[tuple[int, bool]]:
    """(words, whether a trigram index is kept) of each stored blob of words."""
    return [(int(count), bool(trigrams)) for count, trigrams in description.get("blobs", [[description["words"], description["trigrams"]]])]


def restore_index(arrays: dict[str, np.ndarray], description: dict[str, Any], papers: Sequence[Paper]) -> SearchIndex:
    """A working index from `index_parts`' output (checked with `check_parts` first)."""
    words: list[str] = []
    blobs, trigram_indexes, texts = [], {}, {}
    for number, (count, has_trigrams) in enumerate(_blobs(description)):
        stored_text = arrays[f"{_part('vocabulary', number)}.text"]
        text = stored_text.tobytes().decode("utf-8", "surrogatepass")
        blob_words = text.split("\n")[:-1]
        if len(blob_words) != count:
            raise DamagedIndex(f"{len(blob_words):,} words stored where {count:,} were written")
        blobs.append((text, arrays[f"{_part('vocabulary', number)}.starts"], len(words)))
        texts[len(words)] = (stored_text, count)
        trigram_indexes[number] = Trigrams(*(arrays[f"{_part('trigrams', number)}.{name}"] for name in Trigrams.DTYPES)) if has_trigrams else None
        words += blob_words
    if len(words) != description["words"]:
        raise DamagedIndex(f"{len(words):,} words stored where {description['words']:,} were written")
    typo_chunks = [
        TypoKeys(*(arrays[f"{_part('typo', number)}.{name}"] for name in TypoKeys.ARRAYS)) for number in range(int(description.get("typo_chunks", 1)))
    ]
    vocabulary = Vocabulary.restored(words, blobs[0][0], blobs[0][1], typo_chunks[0], trigram_indexes[0])
    if len(blobs) > 1 or len(typo_chunks) > 1:  # as after an update: as a view holds the words while loading
        vocabulary.view = VocabularyView(words, len(words), tuple(typo_chunks), tuple(blobs), _trigrams=trigram_indexes)
    _STORED_BLOBS[vocabulary] = texts
    segments = []
    kept_starts = description.get("word_starts", {})
    for number, (start, stop) in enumerate(description["segments"]):
        fields = [
            FieldPostings(words, *(arrays[f"segment{number}.{field}.{name}"] for name in FieldPostings.ARRAYS))
            for field in FIELDS
        ]
        for field, postings in zip(FIELDS, fields):
            listed = kept_starts.get(f"{number}.{field}")
            if listed:
                _restore_word_starts(postings, arrays[f"segment{number}.{field}.starts"], listed, stop - start)
        segments.append(Segment(int(start), int(stop), *fields))
    patched = {int(paper): (frozenset(title), frozenset(abstract)) for paper, title, abstract in description["patched"]}
    index = SearchIndex()
    index.take(vocabulary, segments, patched, papers, {name: arrays[f"facts.{name}"] for name in FACTS})
    return index


def check_parts(arrays: dict[str, np.ndarray], description: dict[str, Any], paper_count: int) -> None:
    """Raise DamagedIndex unless the parts fit together: every number that indexes another
    array in range, every segment in order and covering the papers."""
    words = int(description["words"])
    expected_stop = 0
    try:
        blobs = _blobs(description)
        if sum(count for count, _ in blobs) != words or not blobs:
            raise DamagedIndex("the vocabulary's blobs do not match its size")
        for number, (count, has_trigrams) in enumerate(blobs):
            if len(arrays[f"{_part('vocabulary', number)}.starts"]) != count:
                raise DamagedIndex("the vocabulary's arrays do not match its size")
            if has_trigrams:
                # Positions are of characters, which are never more than the text's bytes.
                trigrams = [arrays[f"{_part('trigrams', number)}.{name}"] for name in Trigrams.DTYPES]
                problem = Trigrams.problem(*trigrams, blob_length=len(arrays[f"{_part('vocabulary', number)}.text"]))
                if problem:
                    raise DamagedIndex(f"the trigram index: {problem}")
        chunks = int(description.get("typo_chunks", 1))
        if chunks < 1:
            raise DamagedIndex("no typo keys")
        for number in range(chunks):
            typo = {name: arrays[f"{_part('typo', number)}.{name}"] for name in TypoKeys.ARRAYS}
            if not offsets_fit(typo["offsets"], len(typo["keys"]), len(typo["ids"])) or (
                len(typo["ids"]) and (typo["ids"].min() < 0 or typo["ids"].max() >= words)
            ):
                raise DamagedIndex("the typo keys do not fit the vocabulary")
        for number, (start, stop) in enumerate(description["segments"]):
            if start != expected_stop or not 0 < stop - start <= 1 << 16:
                raise DamagedIndex(f"segment {number} does not follow the one before it")
            expected_stop = stop
            for field in FIELDS:
                parts = {name: arrays[f"segment{number}.{field}.{name}"] for name in FieldPostings.ARRAYS}
                count = len(parts["ids"])
                offsets, postings = parts["offsets"], parts["papers"]
                if len(parts["by_word"]) != count or len(parts["alpha"]) != count or not offsets_fit(offsets, count, len(postings)):
                    raise DamagedIndex(f"segment {number} ({field}): arrays that do not fit together")
                if count and (
                    parts["ids"].min() < 0 or parts["ids"].max() >= words
                    or parts["by_word"].min() < 0 or parts["by_word"].max() >= words
                    or parts["alpha"].min() < 0 or parts["alpha"].max() >= count
                ):  # fmt: skip
                    raise DamagedIndex(f"segment {number} ({field}): numbers out of range")
                if len(postings) and int(postings.max()) >= stop - start:
                    raise DamagedIndex(f"segment {number} ({field}): a paper out of range")
                listed = description.get("word_starts", {}).get(f"{number}.{field}")
                if listed and (
                    len(arrays[f"segment{number}.{field}.starts"]) != len(listed) * ((stop - start + 7) // 8)
                    or not all(isinstance(prefix, str) and 0 <= int(low) <= int(high) <= len(postings) for prefix, low, high in listed)
                ):
                    raise DamagedIndex(f"segment {number} ({field}): word starts that do not fit")
        if expected_stop != paper_count:
            raise DamagedIndex(f"the index covers {expected_stop:,} papers of {paper_count:,}")
        for name in FACTS:
            if len(arrays[f"facts.{name}"]) != paper_count:
                raise DamagedIndex(f"the {name} facts do not cover every paper")
        for paper, _, _ in description["patched"]:
            if not 0 <= int(paper) < paper_count:
                raise DamagedIndex("a patched paper out of range")
    except KeyError as missing:
        raise DamagedIndex(f"no array {missing}") from None
    except (TypeError, ValueError) as error:
        if isinstance(error, DamagedIndex):
            raise
        raise DamagedIndex(f"a description that does not read ({error})") from None

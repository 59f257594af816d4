"""The index as plain arrays and back: what the on-disk cache keeps, so a restart rebuilds nothing.

`index_parts` turns a built `SearchIndex` into named numpy arrays and a small JSON-able
description; `restore_index` makes a working index from them (the arrays may be memory-mapped
and read-only: nothing here writes to them). Checking that the parts are whole is the
caller's job before it trusts them; `check_parts` does the checks that keep numpy from
reading out of bounds.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.packed_arrays import offsets_fit
from papertui.search.index import SearchIndex, _State
from papertui.search.segment import FieldPostings, Segment
from papertui.search.trigrams import Trigrams
from papertui.search.typo_keys import TypoKeys
from papertui.search.vocabulary import Vocabulary

FIELDS = ("title", "abstract")
FACTS = ("date", "title", "abstract")


class DamagedIndex(ValueError):
    """Stored parts that do not make a consistent index."""


def index_parts(index: SearchIndex, papers: Sequence[Paper]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and a description of everything `index` holds over `papers`."""
    state = index._state
    assert state.vocabulary is not None or not state.segments
    words = list(state.vocabulary.words[: state.vocabulary.size]) if state.vocabulary else []
    text = "".join(word + "\n" for word in words)
    starts = np.zeros(len(words), dtype=np.int64)
    if words:
        np.cumsum([len(word) + 1 for word in words[:-1]], out=starts[1:])
    typo_keys = TypoKeys.merged(state.vocabulary.typo_keys if state.vocabulary else ())
    arrays: dict[str, np.ndarray] = {
        "vocabulary.text": np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8),
        "vocabulary.starts": starts,
    }
    for name in TypoKeys.ARRAYS:
        arrays[f"typo.{name}"] = getattr(typo_keys, name)
    # Kept so that a start from the cache builds nothing (seconds at millions of papers).
    trigrams = state.vocabulary.whole_trigrams() if state.vocabulary else None
    if trigrams is not None:
        for name in Trigrams.DTYPES:
            arrays[f"trigrams.{name}"] = getattr(trigrams, name)
    segments = []
    for number, segment in enumerate(state.segments):
        segments.append([segment.start, segment.stop])
        for field in FIELDS:
            postings: FieldPostings = getattr(segment, field)
            for name in FieldPostings.ARRAYS:
                arrays[f"segment{number}.{field}.{name}"] = getattr(postings, name)
    facts = index._facts.moved_to(papers, state)
    for name in FACTS:
        arrays[f"facts.{name}"] = facts.get(name)
    patched = [[paper, sorted(title), sorted(abstract)] for paper, (title, abstract) in state.patched.items()]
    description = {"words": len(words), "segments": segments, "patched": patched, "trigrams": trigrams is not None}
    return arrays, description


def restore_index(arrays: dict[str, np.ndarray], description: dict[str, Any], papers: Sequence[Paper]) -> SearchIndex:
    """A working index from `index_parts`' output (checked with `check_parts` first)."""
    text = arrays["vocabulary.text"].tobytes().decode("utf-8", "surrogatepass")
    words = text.split("\n")[:-1]
    if len(words) != description["words"]:
        raise DamagedIndex(f"{len(words):,} words stored where {description['words']:,} were written")
    typo_keys = TypoKeys(*(arrays[f"typo.{name}"] for name in TypoKeys.ARRAYS))
    trigrams = Trigrams(*(arrays[f"trigrams.{name}"] for name in Trigrams.DTYPES)) if description["trigrams"] else None
    vocabulary = Vocabulary.restored(words, text, arrays["vocabulary.starts"], typo_keys, trigrams)
    segments = []
    for number, (start, stop) in enumerate(description["segments"]):
        fields = [
            FieldPostings(words, *(arrays[f"segment{number}.{field}.{name}"] for name in FieldPostings.ARRAYS))
            for field in FIELDS
        ]
        segments.append(Segment(int(start), int(stop), *fields))
    patched = {int(paper): (frozenset(title), frozenset(abstract)) for paper, title, abstract in description["patched"]}
    index = SearchIndex()
    index._vocabulary = vocabulary
    index._papers = papers
    index._state = _State(tuple(segments), vocabulary.view, patched)
    index._facts = index._facts.moved_to(papers, index._state)
    for name in FACTS:
        index._facts.prefill(name, arrays[f"facts.{name}"])
    index.version = 1
    return index


def check_parts(arrays: dict[str, np.ndarray], description: dict[str, Any], paper_count: int) -> None:
    """Raise DamagedIndex unless the parts fit together: every number that indexes another
    array in range, every segment in order and covering the papers."""
    words = int(description["words"])
    expected_stop = 0
    try:
        if len(arrays["vocabulary.starts"]) != words:
            raise DamagedIndex("the vocabulary's arrays do not match its size")
        typo = {name: arrays[f"typo.{name}"] for name in TypoKeys.ARRAYS}
        if not offsets_fit(typo["offsets"], len(typo["keys"]), len(typo["ids"])) or (
            len(typo["ids"]) and (typo["ids"].min() < 0 or typo["ids"].max() >= words)
        ):
            raise DamagedIndex("the typo keys do not fit the vocabulary")
        if description["trigrams"] is not False:
            # Positions are of characters, which are never more than the text's bytes.
            trigrams = [arrays[f"trigrams.{name}"] for name in Trigrams.DTYPES]
            problem = Trigrams.problem(*trigrams, blob_length=len(arrays["vocabulary.text"]))
            if problem:
                raise DamagedIndex(f"the trigram index: {problem}")
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

"""What a kept corpus needs to merge again when one of its files changes, without reading
the others: which papers each file gave records to, every merge key and the paper that has
it, and the records of each paper made of more than one (a paper of one record is that
record, so its fields give it back).

`merge_state_arrays` writes them beside the papers; `MergeState` reads them back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from papertui.corpus.merge import Records, record_of, stable_keys
from papertui.corpus.model import Corpus, Paper, Record, Source
from papertui.corpus.stored import read_each
from papertui.packed_arrays import Texts, offsets_fit

_RECORD_FIELDS = tuple(f.name for f in fields(Record) if f.name != "source")
_TUPLES = {"links", "authors", "categories", "collections"}


class DamagedMergeState(ValueError):
    """Stored merge keys or records that do not fit the papers."""


def records_of(paper: Paper, kept: Records | None) -> Records:
    """Every record of `paper` with its sources (`kept`: the records kept for it, if any)."""
    return kept if kept is not None else [(record_of(paper), list(paper.sources))]


def merge_state_arrays(corpus: Corpus) -> dict[str, np.ndarray | Texts]:
    """The merge keys, the files' papers and the kept records of `corpus`, as arrays."""
    papers, kept = corpus.papers, corpus.merged_records
    file_number = {report.path: number for number, report in enumerate(corpus.files)}
    # After an update, what the papers kept as they were had is carried over, not worked out again.
    carried = kept.carried(len(corpus.files)) if isinstance(kept, KeptRecords) else _Carried.nothing(len(corpus.files))
    key_hashes: list[int] = []
    key_papers: list[int] = []
    by_file: list[list[int]] = [[] for _ in corpus.files]
    for number, paper in enumerate(read_each(papers, carried.count), carried.count):
        records = records_of(paper, kept.get(number))
        for record, _ in records:
            keys = stable_keys(record)
            key_hashes += keys
            key_papers += [number] * len(keys)
        for path in {source.path for _, sources in records for source in sources}:
            if path in file_number:
                by_file[file_number[path]].append(number)
    hashes, key_owners = _merged_keys(carried, np.array(key_hashes, dtype=np.uint64), np.array(key_papers, dtype=np.int32))
    per_file = [np.concatenate([old, np.array(new, dtype=np.int32)]) for old, new in zip(carried.by_file, by_file)]
    file_offsets = np.zeros(len(per_file) + 1, dtype=np.int64)
    np.cumsum([len(numbers) for numbers in per_file], out=file_offsets[1:])
    with_records = sorted(kept)
    raw = kept.raw if isinstance(kept, KeptRecords) else lambda number: _records_json(kept[number])
    return {
        "keys.hash": hashes,
        "keys.paper": key_owners,
        "files.offsets": file_offsets,
        "files.papers": np.concatenate(per_file) if per_file else np.zeros(0, dtype=np.int32),
        "records.papers": np.array(with_records, dtype=np.int32),
        "records": Texts(len(with_records), map(raw, with_records)),
    }


def _merged_keys(carried: _Carried, hashes: np.ndarray, papers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The carried keys (sorted already) and the new ones, sorted by hash as one stable sort
    of the two one after the other would: merged, not sorted again (millions are carried)."""
    order = np.argsort(hashes, kind="stable")
    hashes, papers = hashes[order], papers[order]
    # Each new key goes after the carried keys of the same hash, and after the new keys before it.
    at = np.searchsorted(carried.hashes, hashes, side="right") + np.arange(len(hashes))
    merged_hashes = np.empty(len(carried.hashes) + len(hashes), dtype=np.uint64)
    merged_papers = np.empty(len(merged_hashes), dtype=np.int32)
    new = np.zeros(len(merged_hashes), dtype=bool)
    new[at] = True
    merged_hashes[new], merged_papers[new] = hashes, papers
    merged_hashes[~new], merged_papers[~new] = carried.hashes, carried.papers
    return merged_hashes, merged_papers


@dataclass(frozen=True)
class _Carried:
    """The keys and files' papers of the first `count` papers, as an update found them."""

    count: int
    hashes: np.ndarray  # uint64
    papers: np.ndarray  # int32
    by_file: list[np.ndarray]  # int32, one array a file (in the new order)

    @classmethod
    def nothing(cls, files: int) -> _Carried:
        none = np.zeros(0, dtype=np.int32)
        return cls(0, np.zeros(0, dtype=np.uint64), none, [none] * files)


class MergeState:
    """The stored merge keys and records of a kept corpus of `count` papers and `files` files."""

    def __init__(self, arrays: Mapping[str, np.ndarray], count: int, files: int) -> None:
        try:
            self._hashes, self._key_papers = arrays["keys.hash"], arrays["keys.paper"]
            self._file_offsets, self._file_papers = arrays["files.offsets"], arrays["files.papers"]
            self._with_records = arrays["records.papers"]
            text, offsets = arrays["records.text"], arrays["records.offsets"]
        except KeyError as missing:
            raise DamagedMergeState(f"no array {missing}") from None
        if len(self._hashes) != len(self._key_papers) or not offsets_fit(self._file_offsets, files, len(self._file_papers)):
            raise DamagedMergeState("the keys or the files' papers do not fit together")
        if not offsets_fit(offsets, len(self._with_records), len(text)):
            raise DamagedMergeState("the kept records do not fit their offsets")
        for numbers in (self._key_papers, self._file_papers, self._with_records):
            if len(numbers) and (numbers.min() < 0 or numbers.max() >= count):
                raise DamagedMergeState("a paper out of range")
        self._text, self._offsets = text, offsets

    def papers_of_files(self, numbers: Sequence[int]) -> set[int]:
        """The papers with a record from any of the files `numbers` (in the kept load's order)."""
        found: set[int] = set()
        for number in numbers:
            found.update(self._file_papers[self._file_offsets[number] : self._file_offsets[number + 1]].tolist())
        return found

    def papers_with_keys(self, keys: Sequence[int]) -> set[int]:
        """The papers that have any of the merge keys `keys`."""
        if not keys:
            return set()
        wanted = np.unique(np.array(keys, dtype=np.uint64))
        low = np.searchsorted(self._hashes, wanted, side="left")
        high = np.searchsorted(self._hashes, wanted, side="right")
        found: set[int] = set()
        for start, stop in zip(low[high > low].tolist(), high[high > low].tolist()):
            found.update(self._key_papers[start:stop].tolist())
        return found

    def kept_records(self, number: int) -> Records | None:
        """The records kept for paper `number`, or None when it is made of one."""
        where = int(np.searchsorted(self._with_records, number))
        if where == len(self._with_records) or self._with_records[where] != number:
            return None
        raw = bytes(self._text[self._offsets[where] : self._offsets[where + 1]])
        try:
            return _records_from_json(json.loads(raw.decode("utf-8", "surrogatepass")))
        except (ValueError, TypeError, KeyError) as error:
            raise DamagedMergeState(f"the records of paper {number} cannot be read ({error})") from None

    def numbers_with_records(self) -> np.ndarray:
        return self._with_records

    def raw_records(self, number: int) -> str:
        """The kept records of paper `number` as stored (it must have some)."""
        where = int(np.searchsorted(self._with_records, number))
        return bytes(self._text[self._offsets[where] : self._offsets[where + 1]]).decode("utf-8", "surrogatepass")

    def carried(self, kept: np.ndarray, new_file: Sequence[int], files: int) -> _Carried:
        """The keys and files' papers of the papers `kept` (old numbers, ascending), numbered
        as they are now; `new_file[k]`: old file k's number now, or -1 (gone)."""
        count = len(kept)
        # The papers kept are often the first `count` (a file added): then none is renumbered.
        first = count == 0 or int(kept[-1]) == count - 1
        if first:
            stays = self._key_papers < count
            where = self._key_papers
        else:
            where = np.searchsorted(kept, self._key_papers)
            where[where == count] = 0
            stays = kept[where] == self._key_papers
        by_file = [np.zeros(0, dtype=np.int32)] * files
        for old, new in enumerate(new_file):
            if new >= 0 and count:
                papers = self._file_papers[self._file_offsets[old] : self._file_offsets[old + 1]]
                if first:
                    by_file[new] = papers[papers < count]
                    continue
                at = np.searchsorted(kept, papers)
                at[at == count] = 0
                by_file[new] = at[kept[at] == papers].astype(np.int32)
        return _Carried(count, self._hashes[stays], where[stays].astype(np.int32), by_file)


class KeptRecords(Mapping[int, Records]):
    """The kept records of a corpus after an update: the old papers kept (by their old number,
    `kept[new number]`) read from `state`, then the papers merged again (`fresh`, numbered
    from len(kept))."""

    def __init__(self, state: MergeState, kept: np.ndarray, fresh: Mapping[int, Records], new_file: Sequence[int]) -> None:
        self._state, self._kept, self._fresh, self._new_file = state, kept, fresh, new_file
        old = state.numbers_with_records()
        where = np.searchsorted(kept, old)
        where[where == len(kept)] = 0
        still = kept[where] == old if len(kept) else np.zeros(len(old), dtype=bool)
        self._old = dict(zip(where[still].tolist(), old[still].tolist()))  # new number -> old number

    def __getitem__(self, number: int) -> Records:
        if number in self._old:
            records = self._state.kept_records(self._old[number])
            assert records is not None
            return records
        return self._fresh[number - len(self._kept)]

    def __contains__(self, number: object) -> bool:
        return number in self._old or (isinstance(number, int) and number - len(self._kept) in self._fresh)

    def get(self, number: int, default: Any = None) -> Any:  # type: ignore[override]
        return self[number] if number in self else default

    def __iter__(self) -> Iterator[int]:
        yield from self._old
        yield from (len(self._kept) + n for n in self._fresh)

    def __len__(self) -> int:
        return len(self._old) + len(self._fresh)

    def raw(self, number: int) -> str:
        """The records of paper `number` as JSON: copied as stored for a paper kept as it was."""
        if number in self._old:
            return self._state.raw_records(self._old[number])
        return _records_json(self[number])

    def carried(self, files: int) -> _Carried:
        return self._state.carried(self._kept, self._new_file, files)


def _records_json(records: Records) -> str:
    listed = []
    for record, sources in records:
        values = {}
        for name in _RECORD_FIELDS:
            value = getattr(record, name)
            if value != Record.__dataclass_fields__[name].default:
                values[name] = value
        listed.append([values, [[s.path, s.record, s.format] for s in sources]])
    return json.dumps(listed, ensure_ascii=False)


def _records_from_json(listed: Any) -> Records:
    records: Records = []
    for values, sources in listed:
        fields_ = {name: values[name] for name in _RECORD_FIELDS if name in values}
        for name in _TUPLES & fields_.keys():
            fields_[name] = tuple(fields_[name])
        if "cut" in fields_:
            fields_["cut"] = tuple(tuple(item) for item in fields_["cut"])
        records.append((Record(**fields_), [Source(str(path), int(number), str(fmt)) for path, number, fmt in sources]))
    return records

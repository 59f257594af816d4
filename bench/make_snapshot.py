"""Write a file in the shape of the arXiv metadata snapshot (Kaggle's
`arxiv-metadata-oai-snapshot.json`): one JSON object a line, with the snapshot's fields.

    python bench/make_snapshot.py N OUT [--seed S] [--jobs J] [--first F]

Deterministic for a given N, seed and first line (each block of lines has its own random
stream, so the number of jobs does not change a byte). Made once and reused: 2.7M lines
(about 4.9 GB, the whole arXiv) take a few minutes on two cores; write them outside the
repository (`/work/bench-data/`).

What makes it realistic enough to measure a reader on:
- every field of the snapshot, in its order, with the real head's shares of nulls (comments
  87 %, journal-ref 52 %, doi 50 %, license 13 %, report-no 8 %), `versions` and
  `authors_parsed` as lists, titles and abstracts wrapped at ~80 columns with the snapshot's
  two leading spaces, a little LaTeX (`$...$`, `\\'e`);
- words drawn with Zipf-like frequencies: the seed corpus's own vocabulary with its counts,
  and about one word in sixty from a long tail of made-up words whose ranks follow a Zipf
  law over two million, so the vocabulary keeps growing with the corpus (Heaps' law) as the
  real one does — a search index must cope with millions of rare words;
- authors (one to a dozen, now and then a collaboration of hundreds) drawn Zipf-like from
  sixty thousand surnames, categories Zipf-like from the real taxonomy;
- ids in arXiv's order: new-style YYMM.NNNN(N) month after month from 0704, then about one
  in six old-style (`hep-th/9901001`), as the snapshot lists them;
- `--first F` starts at line F of the same sequence: a file of "the next day's papers"
  (`--first 2700000`, N=20000) has new ids, for the update benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import seed_vocabulary  # noqa: E402

BLOCK = 10_000  # lines per random stream (and per job task)
TAIL = 2_000_000  # made-up words in the long tail
SURNAMES = 60_000
OLD_SHARE = 1 / 6  # old-style ids, listed after the new-style ones
PER_MONTH = 9_999  # 4-digit serials before 2015: 2.25M new-style ids end in late 2025
CATEGORIES = (
    "cs.LG cs.CV cs.CL cs.AI hep-ph quant-ph astro-ph.GA cond-mat.mes-hall hep-th cond-mat.mtrl-sci "
    "math.AP math.PR stat.ML math.CO astro-ph.SR gr-qc cs.RO math.NT physics.optics cond-mat.str-el "
    "math.OC astro-ph.CO cs.IT math.IT eess.SP cs.CR econ.EM q-bio.NC nucl-th physics.flu-dyn "
    "math.DG math.AG cs.DS cs.NI cond-mat.soft physics.bio-ph stat.ME astro-ph.HE cs.SE math-ph "
    "math.MP cs.DC eess.IV cs.HC nlin.CD q-fin.ST cs.SY eess.SY cs.IR math.GT hep-ex"
).split()
OLD_ARCHIVES = ("hep-th", "hep-ph", "astro-ph", "cond-mat", "gr-qc", "math", "quant-ph", "nucl-th", "hep-ex", "physics")
LICENSES = (
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SYLLABLES = "ka lo mi ner sch wan tz ber gen li zh ang ov ic ski ra do ve ha se mu ri el an ton son ez ar ti ko".split()


def _zipf(draws: np.random.Generator, count: int, size: int, exponent: float = 1.1) -> np.ndarray:
    """`count` ranks in [0, size) with frequency ~ 1 / rank**exponent (numpy's zipf, folded)."""
    return (draws.zipf(exponent, count) - 1) % size


def _made_up(rank: int) -> str:
    """The long tail's word of `rank`: the same word for the same rank in every block."""
    word, n = "", rank + 7
    while n:
        n, syllable = divmod(n, len(SYLLABLES))
        word += SYLLABLES[syllable]
    return word


def _surname(rank: int) -> str:
    return _made_up(rank * 31 + 5).capitalize()


def _wrap(text: str, first: str = "") -> str:
    """Wrapped at ~80 columns, as arXiv keeps titles and abstracts."""
    lines, line = [], first
    for word in text.split(" "):
        if len(line) + len(word) + 1 > 80 and line.strip():
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _line_id(number: int, count: int) -> str:
    new = count - int(count * OLD_SHARE)
    if number < new or number >= count:  # past the end: the next days' papers, new-style
        month, serial = divmod(number if number < new else number - (count - new), PER_MONTH)
        year, month = 7 + (month + 3) // 12, (month + 3) % 12 + 1
        width = 5 if year >= 15 else 4
        return f"{year % 100:02d}{month:02d}.{serial + 1:0{width}d}"
    old = number - new
    archive = OLD_ARCHIVES[old % len(OLD_ARCHIVES)]
    month, serial = divmod(old // len(OLD_ARCHIVES), 900)
    year, month = 91 + month // 12, month % 12 + 1
    return f"{archive}/{year % 100:02d}{month:02d}{serial + 1:03d}"


class Block:
    """Lines [start, start+BLOCK) of the file, from their own random stream."""

    def __init__(self, seed: int, block: int, vocabulary: tuple[list[str], np.ndarray]) -> None:
        self.draws = np.random.default_rng([seed, block])
        self.words, self.cumulative = vocabulary

    def words_of(self, count: int) -> list[str]:
        picks = np.searchsorted(self.cumulative, self.draws.random(count) * self.cumulative[-1], side="right")
        words = [self.words[i] for i in picks.tolist()]
        for at, rank in zip(self.draws.integers(0, count, count // 60 + 1).tolist(), _zipf(self.draws, count // 60 + 1, TAIL).tolist()):
            words[at] = _made_up(rank)
        return words

    def sentence_text(self, count: int, sentences: bool) -> str:
        words = self.words_of(count)
        if self.draws.random() < 0.3:  # a little LaTeX, as arXiv keeps it
            words[int(self.draws.integers(count))] = "$\\alpha_{k}$"
        if self.draws.random() < 0.1:
            words[int(self.draws.integers(count))] = "Schr\\\"odinger"
        if not sentences:
            return " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(words))
        out, start = [], 0
        while start < count:
            part = words[start : start + int(self.draws.integers(12, 30))]
            start += len(part)
            part[0] = part[0].capitalize()
            out.append(" ".join(part) + ".")
        return " ".join(out)

    def paper(self, number: int, count: int) -> dict:
        d = self.draws
        authors = int(d.integers(1, 13)) if d.random() > 0.003 else int(d.integers(100, 900))
        surnames = _zipf(d, authors, SURNAMES).tolist()
        initials = d.integers(0, 26, authors).tolist()
        parsed = [[_surname(s), f"{chr(65 + i)}.", ""] for s, i in zip(surnames, initials)]
        names = [f"{first} {last}" for last, first, _ in parsed]
        joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        cats = sorted({CATEGORIES[c] for c in _zipf(d, int(d.integers(1, 4)), len(CATEGORIES)).tolist()}, key=lambda c: c)
        year, month, day = 2007 + number * 18 // max(count, 1), int(d.integers(1, 13)), int(d.integers(1, 29))
        versions = [
            {"version": f"v{v + 1}", "created": f"{DAYS[(day + v) % 7]}, {day} {MONTHS[month - 1]} {year + v // 2} {int(d.integers(0, 24)):02d}:{int(d.integers(0, 60)):02d}:{int(d.integers(0, 60)):02d} GMT"}
            for v in range(int(d.integers(1, 4)))
        ]
        has = d.random(5)
        return {
            "id": _line_id(number, count),
            "submitter": names[0].replace(".", "", 1) if authors else None,
            "authors": joined,
            "title": _wrap(self.sentence_text(int(d.integers(6, 16)), False)),
            "comments": f"{int(d.integers(4, 40))} pages, {int(d.integers(1, 12))} figures" if has[0] < 0.87 else None,
            "journal-ref": f"Phys.Rev.D{int(d.integers(60, 110))}:{int(d.integers(10000, 99999))},{year}" if has[1] < 0.52 else None,
            "doi": f"10.{int(d.integers(1000, 9999))}/{_made_up(number)}.{number}" if has[2] < 0.5 else None,
            "report-no": f"REPORT-{year}-{number % 1000:03d}" if has[3] < 0.08 else None,
            "categories": " ".join(cats),
            "license": LICENSES[number % len(LICENSES)] if has[4] < 0.13 else None,
            "abstract": "  " + _wrap(self.sentence_text(int(d.integers(105, 220)), True)) + "\n",
            "versions": versions,
            "update_date": f"{min(year + 1, 2025)}-{month:02d}-{day:02d}",
            "authors_parsed": parsed,
        }


def _vocabulary() -> tuple[list[str], np.ndarray]:
    words, counts = seed_vocabulary()
    return words, np.cumsum(counts, dtype=np.float64)


_VOCABULARY: tuple[list[str], np.ndarray] | None = None


def write_block(seed: int, block: int, first: int, count: int, total: int) -> bytes:
    """The lines of block `block` (its lines from `first`, `count` of them), as bytes."""
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = _vocabulary()
    maker = Block(seed, block, _VOCABULARY)
    return "".join(json.dumps(maker.paper(first + n, total), ensure_ascii=False, separators=(",", ":")) + "\n" for n in range(count)).encode("utf-8")


def blocks(count: int, first: int) -> Iterator[tuple[int, int, int]]:
    """(block number, first line, lines) covering lines [first, first+count)."""
    line = first
    while line < first + count:
        block = line // BLOCK
        end = min((block + 1) * BLOCK, first + count)
        yield block, line, end - line
        line = end


def write_snapshot(count: int, out: Path, seed: int = 0, jobs: int = 1, first: int = 0, total: int | None = None) -> int:
    """Write lines [first, first+count) of a `total`-line snapshot (ids run on past it) to `out`."""
    total = total or count
    tasks = list(blocks(count, first))
    out.parent.mkdir(parents=True, exist_ok=True)
    written, started = 0, time.monotonic()
    with out.open("wb") as handle:
        if jobs <= 1:
            parts: Iterator[bytes] = (write_block(seed, b, f, n, total) for b, f, n in tasks)
        else:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(jobs)
            parts = pool.map(write_block, *zip(*[(seed, b, f, n, total) for b, f, n in tasks]), chunksize=1)
        for number, part in enumerate(parts, 1):
            handle.write(part)
            written += len(part)
            if number % 20 == 0:
                print(f"\r{number * BLOCK:,} lines, {written / 1e9:.2f} GB, {time.monotonic() - started:.0f} s", end="", file=sys.stderr)
        if jobs > 1:
            pool.shutdown()
    print(file=sys.stderr)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, metavar="N", help="number of lines (papers)")
    parser.add_argument("out", type=Path, metavar="OUT", help="the file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--first", type=int, default=0, help="first line of the sequence (ids continue from it)")
    parser.add_argument("--total", type=int, default=None, help="lines of the whole sequence the ids are spread over (default N)")
    args = parser.parse_args()
    size = write_snapshot(args.count, args.out, args.seed, args.jobs, args.first, args.total)
    print(f"{args.count:,} lines, {size / 1e9:.2f} GB, in {args.out}")


if __name__ == "__main__":
    main()

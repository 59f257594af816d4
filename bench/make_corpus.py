"""Write a synthetic corpus of N papers in the seed formats, for benchmarks.

    python bench/make_corpus.py N OUT [--seed S] [--per-file K] [--jobs J]

Deterministic for a given N, seed and file size (each file has its own random stream, so the
number of jobs does not change the output). Words are drawn from the seed corpus's own
vocabulary with its frequencies; titles run 8–12 words, abstracts 150–250 words in sentences.
About one word in a hundred is a rare made-up word (a blend of two seed words), so the
vocabulary grows with the corpus as real text does (Heaps' law) instead of stopping at the
seeds' 6,350 words: a search index must cope with a long tail of rare words.
Files rotate through the three seed formats: `title-pdf-summary` (every paper with an arXiv id),
`hf-daily-page` (with a date line) and `abstract-lines` (no title, no link), so about a third
of the papers carry an id and a third have a derived title.
"""

from __future__ import annotations

import argparse
import os
import random
from collections import Counter
from pathlib import Path

import numpy as np

from papertui import bundled_seeds
from papertui.corpus import load_corpus
from papertui.search import tokenize

FORMATS = ("title-pdf-summary", "hf-daily-page", "abstract-lines")
HF_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def seed_vocabulary() -> tuple[list[str], list[int]]:
    corpus = load_corpus([bundled_seeds()])
    counts = Counter(word for paper in corpus.papers for word in tokenize(f"{paper.title} {paper.abstract}"))
    words = sorted(counts)
    return words, [counts[word] for word in words]


RARE_PER_ABSTRACT = (0, 4)  # made-up words per abstract: 2 of ~200 on average


class PaperWriter:
    def __init__(self, seed: int, vocabulary: tuple[list[str], list[int]]) -> None:
        self.random = random.Random(seed)
        self.draws = np.random.default_rng(seed)  # the words: a million papers' worth in numpy
        self.words, weights = vocabulary
        self.cumulative = np.cumsum(weights, dtype=np.float64)

    def _words(self, count: int) -> list[str]:
        picks = np.searchsorted(self.cumulative, self.draws.random(count) * self.cumulative[-1], side="right")
        words = self.words
        return [words[i] for i in picks.tolist()]

    def title(self) -> str:
        return " ".join(word.capitalize() for word in self._words(self.random.randint(8, 12)))

    def _rare_word(self) -> str:
        first, second = self.random.choice(self.words), self.random.choice(self.words)
        return first[: self.random.randint(2, 6)] + second[-self.random.randint(2, 6) :]

    def abstract(self) -> str:
        total = self.random.randint(150, 250)
        words = self._words(total)
        for _ in range(self.random.randint(*RARE_PER_ABSTRACT)):
            words[self.random.randrange(total)] = self._rare_word()
        sentences = []
        start = 0
        while start < total:
            sentence = words[start : start + self.random.randint(12, 30)]
            start += len(sentence)
            sentence[0] = sentence[0].capitalize()
            sentences.append(" ".join(sentence) + ".")
        return " ".join(sentences)


def arxiv_id(number: int) -> str:
    year, month = 20 + (number // 99_999) // 12 % 6, (number // 99_999) % 12 + 1
    return f"{year:02d}{month:02d}.{number % 99_999 + 1:05d}"


def write_file(out: Path, file_number: int, start: int, size: int, seed: int, vocabulary) -> Path:
    writer = PaperWriter(seed * 1_000_003 + file_number, vocabulary)
    fmt = FORMATS[file_number % len(FORMATS)]
    path = out / f"{file_number:05d}_{fmt}.txt"
    with path.open("w", encoding="utf-8") as handle:
        if fmt == "title-pdf-summary":
            for number in range(start, start + size):
                handle.write(
                    f"Title: {writer.title()}\nPDF: https://arxiv.org/pdf/{arxiv_id(number)}\n"
                    f"Summary: {writer.abstract()}\n---\n"
                )
        elif fmt == "hf-daily-page":
            handle.write(HF_HEADER + f"{MONTHS[file_number % 12]} {file_number % 28 + 1}\n\n")
            for _ in range(size):
                handle.write(f"{writer.title()}\n\n{writer.abstract()}\n\n")
        else:
            for _ in range(size):
                handle.write(f"Abstract:{writer.abstract()}\n\n")
    return path


def write_corpus(count: int, out: Path, seed: int = 0, per_file: int = 5000, jobs: int = 1) -> list[Path]:
    vocabulary = seed_vocabulary()
    out.mkdir(parents=True, exist_ok=True)
    tasks = [
        (out, number, start, min(per_file, count - start), seed, vocabulary)
        for number, start in enumerate(range(0, count, per_file))
    ]
    if jobs <= 1:
        return [write_file(*task) for task in tasks]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(write_file, *zip(*tasks)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, metavar="N", help="number of papers")
    parser.add_argument("out", type=Path, metavar="OUT", help="directory to write the files into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--per-file", type=int, default=5000, help="papers per file (default 5000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)")
    args = parser.parse_args()
    paths = write_corpus(args.count, args.out, args.seed, args.per_file, args.jobs)
    size = sum(path.stat().st_size for path in paths)
    print(f"{args.count:,} papers in {len(paths)} files, {size / 1e6:.1f} MB, under {args.out}")


if __name__ == "__main__":
    main()

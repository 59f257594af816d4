"""Relevance on real papers: queries written the way a user types them (remembered title
fragments, typos, compounds both ways, acronyms, versions), each looking for one paper. Side
by side, in the same run: papertui's search, `fzf --filter` over one line per paper (title and
abstract), and SQLite FTS5 ranked by bm25 (Python's sqlite3).

    .venv/bin/python bench/relevance.py        (needs fzf: apt install fzf)

Papers: the real Hugging Face daily papers in tests/feeds (ten days and the current answer's
shape), the Hugging Face sample in tests/fixtures, and the bundled seeds (text copies of the
Daily Papers page).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import statistics
import subprocess
from pathlib import Path

from papertui import bundled_seeds
from papertui.corpus import load_corpus
from papertui.search import SearchIndex

ROOT = Path(__file__).parent.parent
FILES = [ROOT / "tests" / "feeds" / "hf-daily", ROOT / "tests" / "feeds" / "hf-daily_papers-limit30-2026-06-13.json",
         ROOT / "tests" / "fixtures" / "hf-daily-papers-2024-10-25.json", bundled_seeds()]  # fmt: skip

# (query, the arXiv id or the start of the title of the paper wanted, what kind of query it is)
QUERIES = [
    ("sam2long", "2410.16268", "name, joined"),
    ("sam 2 long video", "2410.16268", "words of the title"),
    ("gpt-4o system card", "2410.21276", "version, hyphenated"),
    ("gpt4o system card", "2410.21276", "version, joined"),
    ("fitv2", "2410.13925", "name with a version"),
    ("fit v2 vision transformer", "2410.13925", "name split"),
    ("dplm-2 protein", "2410.13782", "name with a version"),
    ("dplm2", "2410.13782", "name joined"),
    ("mia-dpo", "2410.17637", "acronym, hyphenated"),
    ("miadpo", "2410.17637", "acronym, joined"),
    ("flow dpo math reasoning", "2410.22304", "compound split"),
    ("shadowkv", "2410.21465", "camelCase name"),
    ("shadow kv cache", "2410.21465", "camelCase split"),
    ("kv cache long context inference", "2410.21465", "remembered words"),
    ("tokenformer", "2410.23168", "camelCase name"),
    ("token former", "2410.23168", "camelCase split"),
    ("pyramid drop", "2410.17247", "camelCase split"),
    ("pyramiddrop", "2410.17247", "camelCase joined"),
    ("seer attention sparse", "2410.13276", "camelCase split"),
    ("magic tailor personalization", "2410.13370", "camelCase split"),
    ("text to image personalization", "2410.13370", "compound split"),
    ("minipml distilation", "2410.17215", "typos"),
    ("mini plm knowledge distillation", "2410.17215", "camelCase split"),
    ("agent-to-sim", "2410.16259", "compound"),
    ("agent to sim casual videos", "2410.16259", "compound split"),
    ("router tuning dynamic depth", "2410.13184", "compound split"),
    ("dynamic-depth transformers", "2410.13184", "compound"),
    ("sim-to-real dexterous humanoids", "2502.20396", "compound"),
    ("sim2real dexterous", "2502.20396", "compound, digit"),
    ("multi-turn conversational retrieval", "2410.23090", "compound"),
    ("multiturn retrieval augmentation", "2410.23090", "compound joined"),
    ("asynchronous rlhf off-policy", "2410.18252", "acronym and compound"),
    ("offpolicy rl", "2410.18252", "compound joined"),
    ("fp8 training memory efficient", "2410.19313", "version-like"),
    ("memory-efficient fp8", "2410.19313", "compound"),
    ("chain-of-thought vision language", "2410.16198", "compound"),
    ("3d gaussian tracking", "2410.18912", "digit word"),
    ("ichigo voice assistant", "2410.15316", "name"),
    ("realtime voice assistant", "2410.15316", "joined as written"),
    ("real-time voice assistant", "2410.15316", "hyphenated, written joined"),
    ("masked thought", "Masked Thought", "title fragment"),
    ("masked thougth", "Masked Thought", "typo"),
    ("skywork reward", "2410.18451", "name"),
    ("camel bench arabic", "2410.18976", "name split"),
    ("counting tokenization", "2410.19730", "remembered words"),
    ("second opinion pocket professional", "2410.20636", "remembered words"),
]


def wanted_index(papers, target: str) -> int:
    for number, paper in enumerate(papers):
        if paper.arxiv_id == target or paper.title.startswith(target):
            return number
    raise LookupError(target)


def papertui_ranking(index: SearchIndex, query: str) -> list[int]:
    return list(index.search(query).rows)


def fzf_ranking(lines: list[str], query: str) -> list[int] | None:
    if not shutil.which("fzf"):
        return None
    result = subprocess.run(["fzf", "--filter", query], input="\n".join(lines), capture_output=True, text=True)
    return [int(line.split("\t", 1)[0]) for line in result.stdout.splitlines()]


def fts_ranking(db: sqlite3.Connection, query: str) -> list[int]:
    words = re.findall(r"\w+", query)
    if not words:
        return []
    match = " ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"*'
    try:
        return [row[0] for row in db.execute("SELECT rowid FROM papers WHERE papers MATCH ? ORDER BY bm25(papers, 2.0, 1.0)", (match,))]
    except sqlite3.OperationalError:
        return []


def scores(rankings: list[tuple[list[int] | None, int]]) -> dict[str, float] | None:
    if any(ranking is None for ranking, _ in rankings):
        return None
    ranks = [ranking.index(wanted) + 1 if wanted in ranking else None for ranking, wanted in rankings]  # type: ignore[union-attr]
    return {
        "top-1": sum(rank == 1 for rank in ranks) / len(ranks),
        "top-3": sum(rank is not None and rank <= 3 for rank in ranks) / len(ranks),
        "MRR": sum(1 / rank for rank in ranks if rank) / len(ranks),
        "median results": statistics.median(len(ranking) for ranking, _ in rankings),  # type: ignore[arg-type]
    }


def main() -> None:
    corpus = load_corpus(FILES)
    papers = corpus.papers
    index = SearchIndex(papers)
    lines = [f"{number}\t{paper.title} {paper.abstract}" for number, paper in enumerate(papers)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE papers USING fts5(title, abstract, tokenize='unicode61')")
    db.executemany("INSERT INTO papers(rowid, title, abstract) VALUES (?, ?, ?)", [(n, p.title, p.abstract) for n, p in enumerate(papers)])
    results: dict[str, list[tuple[list[int] | None, int]]] = {"papertui": [], "fzf --filter": [], "SQLite FTS5 (bm25)": []}
    misses = []
    for query, target, _ in QUERIES:
        wanted = wanted_index(papers, target)
        ours = papertui_ranking(index, query)
        results["papertui"].append((ours, wanted))
        results["fzf --filter"].append((fzf_ranking(lines, query), wanted))
        results["SQLite FTS5 (bm25)"].append((fts_ranking(db, query), wanted))
        rank = ours.index(wanted) + 1 if wanted in ours else None
        if rank != 1:
            misses.append(f"`{query}`: rank {rank or 'not found'} of {len(ours)}")
    print(f"{len(papers)} papers, {len(QUERIES)} queries\n")
    print("| engine | top-1 | top-3 | MRR | median result size |\n|---|---|---|---|---|")
    for name, rankings in results.items():
        found = scores(rankings)
        if found is None:
            print(f"| {name} | (not installed) | | | |")
            continue
        print(f"| {name} | {found['top-1']:.2f} | {found['top-3']:.2f} | {found['MRR']:.3f} | {found['median results']:.0f} |")
    if misses:
        print("\npapertui below rank 1: " + "; ".join(misses))


if __name__ == "__main__":
    main()

"""The digest's For you on a large library: vectors of the new papers, yours and a 20k sample
(what digest/select.py does) against vectors of every paper (the first version), same run.

    .venv/bin/python bench/make_corpus.py 100000 bench/.corpora/100000     (once)
    .venv/bin/python bench/digest.py bench/.corpora/100000

The last 500 papers count as new, three papers are starred and two dismissed.
"""
import sys, time
from dataclasses import replace
import numpy as np
from papertui.corpus import load_corpus
from papertui.digest.select import DigestInput, select
from papertui.recommend.model import Recommender
from pathlib import Path

path = Path(sys.argv[1])
papers = load_corpus([path]).papers
n = len(papers)
old, new = "2026-01-01T00:00:00Z", "2026-08-14T06:00:00Z"
papers = [replace(p, first_seen=new if i >= n - 500 else old) for i, p in enumerate(papers)]
flags = np.zeros(n, dtype=bool)
starred = flags.copy(); starred[[10, 2000, 30000]] = True
dismissed = flags.copy(); dismissed[[50, n - 3]] = True
def run(recommender):
    start = time.perf_counter()
    digest = select(DigestInput(papers, "2026-08-14T00:00:00Z", "2026-08-14T07:00:00Z", dismissed, starred, flags, recommender=recommender)).digest
    return time.perf_counter() - start, [e.paper.arxiv_id or e.paper.title[:30] for e in digest.sections[0].entries]
def build(chosen):
    r = Recommender(chosen); r.build(); return r
t_sub, picks_sub = run(build)
import papertui.digest.select as s
s.BACKGROUND = 10**9  # the old way: vectors of every paper
t_all, picks_all = run(build)
print(f"{n} papers, 500 new: subset {t_sub:.1f} s, every paper {t_all:.1f} s")
print("same top 10:", len(set(picks_sub) & set(picks_all)), "of 10")

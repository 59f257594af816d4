"""The benchmark's corpus generator writes papers that load back exactly, deterministically."""

import subprocess
import sys
from pathlib import Path

from papertui.corpus import load_corpus

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "make_corpus.py"


def make(count: int, out: Path, per_file: int = 100, jobs: int = 1) -> Path:
    subprocess.run(
        [sys.executable, str(SCRIPT), str(count), str(out), "--per-file", str(per_file), "--jobs", str(jobs)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    return out


def test_generated_corpus_loads_every_paper_in_every_format(tmp_path):
    corpus = load_corpus([make(300, tmp_path / "c")])  # one file of 100 per format
    assert corpus.warnings == []
    assert len(corpus.papers) == corpus.record_count == 300
    assert {report.format for report in corpus.files} == {"title-pdf-summary", "hf-daily-page", "abstract-lines"}
    with_id = [p for p in corpus.papers if p.arxiv_id]
    assert len(with_id) == 100 and len({p.arxiv_id for p in with_id}) == 100
    assert sum(p.title_derived for p in corpus.papers) == 100
    for paper in corpus.papers:
        assert 150 <= len(paper.abstract.split()) <= 250
        if not paper.title_derived:
            assert 8 <= len(paper.title.split()) <= 12


def test_generator_is_deterministic_whatever_the_number_of_jobs(tmp_path):
    first = make(120, tmp_path / "a", per_file=50)
    second = make(120, tmp_path / "b", per_file=50, jobs=2)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)

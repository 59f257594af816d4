"""The importers: arXiv Atom, JSON arrays (Hugging Face), JSON lines (arXiv snapshot), BibTeX,
standard input; on the real samples in tests/fixtures and on broken copies of them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from papertui.corpus import load_corpus
from papertui.corpus.latex import latex_to_text
from papertui.corpus.loader import HEAD_BYTES, iter_load
from papertui.corpus.standard_input import STDIN, read_stdin_from

FIXTURES = Path(__file__).parent / "fixtures"
ATOM = FIXTURES / "arxiv-api-query-testing.atom.xml"
SNAPSHOT = FIXTURES / "arxiv-metadata-snapshot-head.jsonl"
HF_JSON = FIXTURES / "hf-daily-papers-2024-10-25.json"
BIBTEX = FIXTURES / "library.bib"


def entries_in(path: Path) -> int:
    """How many entries a real sample holds, counted without the importers."""
    text = path.read_text(encoding="utf-8")
    if path == ATOM:
        return text.count("<entry>")
    if path == SNAPSHOT:
        return sum(1 for line in text.splitlines() if line.strip())
    return len(json.loads(text))


@pytest.mark.parametrize(
    ("path", "fmt"), [(ATOM, "arxiv-atom"), (SNAPSHOT, "json-lines"), (HF_JSON, "papers-json")]
)
def test_every_entry_of_the_real_samples_loads(path, fmt):
    corpus = load_corpus([path])
    report = corpus.files[0]
    assert report.format == fmt
    assert report.records == entries_in(path) == len(corpus.papers)
    assert corpus.warnings == []
    assert all(p.arxiv_id and p.title and p.abstract and p.authors and p.published for p in corpus.papers)


def test_atom_entry_fields():
    paper = load_corpus([ATOM]).papers[0]
    assert paper.arxiv_id == "2202.12139"  # the version is dropped
    assert paper.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert paper.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert paper.categories == ("cs.SE", "cs.LG")  # primary first, once
    assert paper.published == "2022-02-24"
    assert paper.links == ("https://doi.org/10.1109/ICSTW55395.2022.00035",)
    assert paper.abstract.startswith("Deep Learning (DL) has revolutionized")


def test_snapshot_fields_unwrapped_and_latex_read():
    papers = load_corpus([SNAPSHOT]).papers
    first = papers[0]
    assert first.arxiv_id == "0704.0001"
    # Hard-wrapped in the file: "...at Tevatron and\n  LHC energies".
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors[0] == "C. Balázs"  # Bal\'azs in the file
    assert first.categories == ("hep-ph",)
    assert first.published == "2007-04-02"  # the first version's date, not update_date
    assert "\n" not in first.abstract and "  " not in first.abstract
    assert not any("\\'" in name or '\\"' in name for p in papers for name in p.authors)


def test_hf_json_fields():
    papers = load_corpus([HF_JSON]).papers
    first = papers[0]
    assert first.arxiv_id == "2410.17243"
    assert first.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert first.upvotes == 64
    assert first.published == "2024-10-22"
    assert len(first.authors) == 9 and first.authors[0] == "Zesen Cheng"
    assert sorted(p.upvotes for p in papers)[-1] == 64


def test_bibtex_sample():
    corpus = load_corpus([BIBTEX])
    by_title = {p.title: p for p in corpus.papers}
    assert [p.arxiv_id for p in corpus.papers] == [
        "2410.17243", "2405.13786", "1706.03762", "1810.04805", None, "hep-th/9711200",
    ]
    # eprint + archivePrefix; journal "arXiv preprint arXiv:..."; an arxiv.org url; eprinttype.
    bert = by_title["BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"]
    assert bert.authors == ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova")
    assert bert.abstract.endswith("reaching 80.5% on GLUE [wang2018glue].")
    assert "\n" not in bert.abstract and "{" not in bert.abstract
    assert by_title["Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"].authors[:3] == (
        "Aurora Ramírez", "Mario Berrios", "José Raúl Romero",
    )
    assert by_title["Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"].published == "2024-05"
    assert "Łukasz Kaiser" in by_title["Attention is All you Need"].authors
    goedel = by_title["Über formal unentscheidbare Sätze der Principia Mathematica und verwandter Systeme I"]
    assert goedel.arxiv_id is None and goedel.abstract == "" and goedel.published == "1931"
    # Every entry is accounted for: 6 papers, the broken one and the empty one reported.
    assert corpus.files[0].records == 6
    assert len(corpus.warnings) == 2
    assert "entry 6 (broken2020, line 56): its braces never close" in corpus.warnings[0]
    assert "entry 8 (empty2021, line 68): no title and no abstract" in corpus.warnings[1]


def test_the_same_paper_from_four_sources_merges(tmp_path):
    page = tmp_path / "page.txt"  # a Title:/PDF:/Summary: record of a paper in the JSON and BibTeX
    page.write_text(
        "Title: Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss\n"
        "PDF: https://arxiv.org/pdf/2410.17243\nSummary: Contrastive loss is a powerful approach.\n"
    )
    corpus = load_corpus([HF_JSON, BIBTEX, ATOM, page])
    merged = [p for p in corpus.papers if p.arxiv_id == "2410.17243"]
    assert len(merged) == 1
    paper = merged[0]
    assert [s.format for s in paper.sources] == ["papers-json", "bibtex", "title-pdf-summary"]
    assert paper.upvotes == 64 and paper.categories == ("cs.CV",) and paper.published == "2024-10-22"
    explainable = [p for p in corpus.papers if p.arxiv_id == "2405.13786"]
    assert len(explainable) == 1 and [s.format for s in explainable[0].sources] == ["bibtex", "arxiv-atom"]
    assert explainable[0].categories == ("cs.SE", "cs.AI")  # the BibTeX entry had none
    assert explainable[0].abstract.startswith("Test case prioritisation")  # filled from the feed


# --- broken input: the rest always loads, and every loss is reported ---------------------


def test_atom_cut_short_keeps_the_entries_before_the_break(tmp_path):
    text = ATOM.read_text(encoding="utf-8")
    cut = text.index("<entry>", text.index("<entry>", text.index("<entry>") + 1) + 1) + 200
    path = tmp_path / "cut.xml"
    path.write_text(text[:cut] + "<broken </entry>" + text[cut:], encoding="utf-8")
    corpus = load_corpus([path])
    assert len(corpus.papers) == 2
    assert len(corpus.warnings) == 1
    assert re.search(r"the XML is broken at line \d+, column \d+ .*: 2 entries before it were read, 98 after it could not be", corpus.warnings[0])


def test_atom_api_error_entry_is_reported(tmp_path):
    path = tmp_path / "error.xml"
    path.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id><title>Error</title>"
        "<summary>incorrect id format for 1234.12345</summary></entry></feed>"
    )
    corpus = load_corpus([path])
    assert corpus.papers == []
    assert "entry 1: the arXiv API answered with an error: incorrect id format for 1234.12345" in corpus.warnings[0]


def test_json_array_broken_part_way(tmp_path):
    items = json.loads(HF_JSON.read_text(encoding="utf-8"))[:3]
    text = json.dumps(items + [42, {"paper": {"id": "x"}}], indent=1)
    path = tmp_path / "broken.json"
    path.write_text(text[:-30])  # cut inside the last object
    corpus = load_corpus([path])
    assert [p.arxiv_id for p in corpus.papers] == ["2410.17243", "2410.16251", "2410.18533"]
    assert "item 4: not an object but int; skipped" in corpus.warnings[0]
    assert "not valid JSON at line" in corpus.warnings[1] and "the 4 items before it were read" in corpus.warnings[1]


def test_json_lines_bad_lines_are_skipped_one_by_one(tmp_path):
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:4]
    lines.insert(1, '{"id": "0704.9999", "title": "cut')
    lines.insert(3, '{"id": "0704.9998"}')
    path = tmp_path / "snap.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"title": "Caf\xe9 society", "abstract": "Latin-1 here."}\n')
    corpus = load_corpus([path])
    assert len(corpus.papers) == 5
    assert corpus.papers[-1].title == "Café society"
    assert [w.split(": ", 1)[1] for w in corpus.warnings] == [
        "line 2: not valid JSON (Unterminated string starting at column 30); skipped",
        "line 4: no title and no abstract; skipped",
        "1 lines are not UTF-8 (the first: line 7); read as Windows-1252, some characters may be wrong",
    ]


def test_json_lines_stream_past_the_head_with_progress(tmp_path):
    records = [
        json.dumps({"id": f"2401.{n:05d}", "title": f"Paper number {n}", "abstract": f"Abstract {n} " + "x" * 900})
        for n in range(1, 301)
    ]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(records) + "\n")
    assert path.stat().st_size > 4 * HEAD_BYTES  # lines cross the first read's boundary
    steps = list(iter_load([path]))
    corpus = steps[-1].corpus
    assert [p.title for p in corpus.papers] == [f"Paper number {n}" for n in range(1, 301)]
    assert corpus.warnings == []
    assert steps[-1].bytes_done == path.stat().st_size


def test_standard_input_loads_as_a_file(monkeypatch):
    read_stdin_from(io.BytesIO(BIBTEX.read_bytes()))
    try:
        corpus = load_corpus([STDIN])
    finally:
        read_stdin_from(None)
    assert corpus.files[0].path == "<stdin>" and corpus.files[0].format == "bibtex"
    assert len(corpus.papers) == 6
    assert corpus.papers[0].sources[0].path == "<stdin>"


# --- LaTeX -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"C. Bal\'azs", "C. Balázs"),
        (r"G\"{o}del, Erd\H{o}s, \v{S}ablon, {\c c}a, Stra\ss e, \AA{}ngstr\"om", "Gödel, Erdős, Šablon, ça, Straße, Ångström"),
        (r"{BERT}: \emph{deep} nets -- {\em really}", "BERT: deep nets – really"),
        (r"The $\alpha$-divergence is $O(n^{2})$ and $x \leq 10^{-3}$", "The α-divergence is O(n^2) and x ≤ 10^(-3)"),
        (r"$\frac{n+1}{2}$ and \(\sqrt{n}\)", "(n+1)/2 and √n"),
        (r"$\mathcal{O}(n\log n)$ and $\hat{x}$", "O(n log n) and x̂"),
        (r"50\% of \$5 \& more", "50% of $5 & more"),
        ("costs $5 and $6 today", "costs $5 and $6 today"),  # not math: spaces inside the dollars
        ("about ~10% and a plain sentence", "about ~10% and a plain sentence"),
        (r"an \unknown command", "an unknown command"),
    ],
)
def test_latex_is_made_readable(latex, text):
    assert latex_to_text(latex) == text


def test_tilde_is_a_space_in_bibtex_only():
    assert latex_to_text("Fig.~3", tilde_is_space=True) == "Fig. 3"
    assert latex_to_text("Fig.~3") == "Fig.~3"

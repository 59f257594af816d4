"""Export formats: BibTeX, Markdown, JSON with marks, links."""

from __future__ import annotations

import json

import pytest

from helpers import make_paper
from papertui.export import bibtex_text, export
from papertui.marks.store import Marks


def test_bibtex_with_an_arxiv_id():
    paper = make_paper("RaTEScore: A Metric for Radiology Report Generation", arxiv_id="2406.16845")
    assert export([paper], "bibtex") == (
        "@misc{ratescore2024,\n"
        "  title = {{RaTEScore: A Metric for Radiology Report Generation}},\n"
        "  eprint = {2406.16845},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2406.16845},\n"
        "  year = {2024}\n"
        "}\n"
    )


def test_bibtex_old_style_id_has_its_primary_class():
    entry = export([make_paper("Strings", arxiv_id="hep-th/9901001")], "bibtex")
    assert "  primaryClass = {hep-th},\n" in entry and "  eprint = {hep-th/9901001},\n" in entry
    assert "year = {1999}" in entry and entry.startswith("@misc{strings1999,")


def test_bibtex_without_an_id_has_title_and_url_and_unique_keys():
    one, two = make_paper("Masked Thought: a study"), make_paper("Masked Thought: a study")
    text = export([one, two], "bibtex")
    keys = [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@misc")]
    assert len(set(keys)) == 2 and keys[1] == keys[0] + "a"
    assert "eprint" not in text and "url = {https://arxiv.org/search/?query=Masked+Thought" in text


def test_bibtex_text_is_escaped_and_balanced():
    assert bibtex_text("50% of R&D_x #1") == r"50\% of R\&D\_x \#1"
    assert bibtex_text(r"already \& escaped") == r"already \& escaped"
    assert bibtex_text("math $x^2$ stays") == "math $x^2$ stays"
    assert bibtex_text("costs $5") == r"costs \$5"
    assert bibtex_text("a } b {") == r"a \textbraceright{} b \textbraceleft{}"
    assert bibtex_text("{BERT} stays") == "{BERT} stays"


def test_markdown_escapes_titles_and_lists_tags():
    paper = make_paper("Learning [CLS] *fast*", arxiv_id="2401.00001")
    marks = Marks(title=paper.title, tags=("to-read",))
    line = export([paper], "markdown", lambda p: marks)
    assert line == "- [Learning \\[CLS\\] \\*fast\\*](https://arxiv.org/abs/2401.00001) · arXiv:2401.00001 · `to-read`\n"


def test_json_carries_marks_and_links_one_a_line():
    starred = make_paper("Zebra", arxiv_id="2401.00001")
    plain = make_paper("Quokka")
    marks = {id(starred): Marks(title="Zebra", starred=True, note="n")}
    records = json.loads(export([starred, plain], "json", lambda p: marks.get(id(p))))
    assert records[0]["marks"] == {"starred": True, "read": False, "tags": [], "note": "n"}
    assert records[1]["marks"] is None
    assert export([starred, plain], "links").splitlines()[0] == "https://arxiv.org/abs/2401.00001"
    assert export([], "bibtex") == "" and export([], "links") == ""


def test_citation_keys_as_people_cite_them_and_unique():
    from papertui.export import citation_key

    attention = make_paper("Attention Is All You Need", arxiv_id="1706.03762", authors=("Ashish Vaswani", "Noam Shazeer"))
    assert citation_key(attention) == "vaswani2017attention"
    assert citation_key(make_paper("The Role of Müller Cells", authors=("José Núñez",), published="2020-01-02")) == "nunez2020role"
    assert citation_key(make_paper("On the Origin", authors=("Darwin, Charles",), published="1859")) == "darwin1859origin"
    twin = make_paper("Attention is all you need, again", arxiv_id="1706.03999", authors=("A. Vaswani",))
    text = export([attention, twin], "bibtex")
    assert "@misc{vaswani2017attention," in text and "@misc{vaswani2017attentiona," in text


def test_appending_to_a_bib_skips_what_it_holds_by_id_or_key():
    from papertui.export import bibtex_to_append

    attention = make_paper("Attention Is All You Need", arxiv_id="1706.03762", authors=("Ashish Vaswani",))
    other = make_paper("Masked Thought", arxiv_id="2403.02178", authors=("Changyu Chen",))
    existing = "@article{mine,\n  title={Hand written},\n  eprint={1706.03762}\n}\n"
    added, skipped = bibtex_to_append(existing, [attention, other])
    assert skipped == 1 and "chen2024masked" in added and "1706.03762" not in added
    again, skipped = bibtex_to_append(existing + added, [attention, other])
    assert again == "" and skipped == 2


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
def test_many_papers_of_one_citation_key_get_unique_keys_in_linear_time():
    """Each clash restarted at suffix a: n papers of one key took n²/2 lookups."""
    import time

    from papertui.corpus.model import Paper
    from papertui.export.bibtex import unique_keys

    def papers(n: int) -> list:
        return [Paper(title="Attention is all you need", abstract="x", authors=("Ashish Vaswani",), published="2017") for _ in range(n)]

    keys = list(unique_keys(papers(30), used=["vaswani2017attention", "vaswani2017attentionb"]))
    assert keys[:3] == ["vaswani2017attentiona", "vaswani2017attentionc", "vaswani2017attentiond"]
    assert len(set(keys)) == 30 and keys[-1] == "vaswani2017attention31"
    times = []
    for n in (2_000, 16_000):
        group = papers(n)
        start = time.perf_counter()
        list(unique_keys(group))
        times.append(time.perf_counter() - start)
    assert times[1] / times[0] < 20, times

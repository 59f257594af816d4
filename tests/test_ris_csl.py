"""RIS and CSL-JSON, in and out: Zotero's exports read to papers (with DOI, venue, year and the
arXiv id wherever an exporter puts it), broken entries said with their line while the rest
loads, hostile text cleaned and read in linear time; papers written out read back the same."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

import pytest

from papertui.corpus import csl_json, ris
from papertui.corpus.model import FileReport, Paper
from papertui.corpus.reference import clean_doi, strip_markup
from papertui.export.csl_json import csl_json as csl_out
from papertui.export.ris import ris as ris_out

FIXTURES = Path(__file__).parent / "fixtures"
RIS_FILE = FIXTURES / "zotero-export.ris"
CSL_FILE = FIXTURES / "zotero-export-csl.json"


def read_ris(text: str) -> tuple[list, FileReport]:
    report = FileReport("test.ris")
    return list(ris.parse_ris_references(text, report)), report


def read_csl(text: str) -> tuple[list, FileReport]:
    report = FileReport("test.json")
    return list(csl_json.parse_csl_references(text, report)), report


# --- RIS in ----------------------------------------------------------------------------------


def test_zotero_ris_export_reads_to_papers_with_doi_venue_and_arxiv_id():
    references, report = read_ris(RIS_FILE.read_text(encoding="utf-8"))
    assert not report.warnings
    attention, lost, turing = references
    assert attention.record.title == "Attention Is All You Need"
    assert attention.record.arxiv_id == "1706.03762"
    assert attention.record.authors[:2] == ("Ashish Vaswani", "Noam Shazeer") and len(attention.record.authors) == 8
    assert attention.record.published == "2017-06-12"
    assert attention.record.abstract.startswith("The dominant sequence transduction models")
    assert (attention.doi, attention.year, attention.kind) == ("10.48550/arXiv.1706.03762", 2017, "PREP")
    # A wrapped abstract line continues the value; the DOI is a link Semantic Scholar is asked by.
    assert "input contexts." in lost.record.abstract and "longer context. We analyze" in lost.record.abstract
    assert lost.record.links == ("https://doi.org/10.1162/tacl_a_00638",)
    assert lost.venue == "Transactions of the Association for Computational Linguistics"
    assert lost.record.arxiv_id is None
    assert (turing.record.authors, turing.record.published, turing.venue) == (("A. M. Turing",), "1950-10-01", "Mind")


@pytest.mark.parametrize(
    "note, field",
    [
        ("N1  - arXiv:2406.16845 [cs]", "a Zotero note"),
        ("UR  - https://arxiv.org/abs/2406.16845v2", "an arxiv.org URL"),
        ("DO  - 10.48550/ARXIV.2406.16845", "arXiv's DOI in capitals"),
        ("AN  - arXiv 2406.16845", "an accession number"),
    ],
)
def test_the_arxiv_id_is_found_where_exporters_put_it(note, field):
    references, _ = read_ris(f"TY  - GEN\nTI  - A title\n{note}\nER  - \n")
    assert references[0].record.arxiv_id == "2406.16845", field


def test_a_missing_er_keeps_the_entry_and_says_its_line():
    text = "TY  - JOUR\nTI  - First\nAB  - one\n\nTY  - JOUR\nTI  - Second\nER  - \nTY  - JOUR\nTI  - Third\n"
    references, report = read_ris(text)
    assert [r.record.title for r in references] == ["First", "Second", "Third"]
    assert report.warnings == [
        "test.ris: entry 1 (line 1): no ER line before the next TY; kept",
        "test.ris: entry 3 (line 8): the file ends before its ER line; kept",
    ]


def test_an_entry_without_title_or_abstract_is_said_and_the_rest_loads():
    text = "TY  - JOUR\nAU  - Nobody, A.\nER  - \nER  - \nTY  - JOUR\nTI  - Kept\nER  - \n"
    references, report = read_ris(text)
    assert [r.record.title for r in references] == ["Kept"]
    assert report.warnings == [
        "test.ris: entry 1 (line 1): no title and no abstract; skipped",
        "test.ris: line 4: ER with no TY before it; ignored",
    ]


def test_control_characters_and_escapes_never_reach_the_record():
    text = "TY  - JOUR\nTI  - Evil \x1b]0;pwned\x07title\x1b[2J with\u202e bidi\nAU  - Doe,\x00 Jane\nAB  - a\x07b\nER  - \n"
    (reference,), _ = read_ris(text)
    assert reference.record.title == "Evil title with bidi"
    assert reference.record.authors == ("Jane Doe",)
    assert reference.record.abstract == "ab"


def test_a_huge_field_is_cut_and_noted():
    text = "TY  - JOUR\nTI  - Big\nAB  - " + "word " * 2_000_000 + "\nER  - \n"
    (reference,), _ = read_ris(text)
    assert len(reference.record.abstract) <= 20_000
    assert reference.record.cut and reference.record.cut[0][0] == "abstract"


def test_ris_is_recognised_and_bibtex_or_json_are_not():
    assert ris.looks_like("\ufeff\n\nTY  - JOUR\nTI  - x\n")
    assert ris.looks_like(RIS_FILE.read_text(encoding="utf-8"))
    assert not ris.looks_like((FIXTURES / "library.bib").read_text(encoding="utf-8"))
    assert not ris.looks_like("Title: TY  - JOUR\n")
    assert not ris.looks_like("TYPE - JOUR\n")


# --- CSL-JSON in ------------------------------------------------------------------------------


def test_zotero_csl_json_reads_to_papers():
    references, report = read_csl(CSL_FILE.read_text(encoding="utf-8"))
    assert not report.warnings
    attention, lost, bert = references
    assert (attention.record.title, attention.record.arxiv_id, attention.record.published) == (
        "Attention Is All You Need", "1706.03762", "2017-06-12",
    )
    assert attention.record.authors == ("Ashish Vaswani", "Noam Shazeer", "Aidan N. Gomez")
    assert lost.record.links == ("https://doi.org/10.1162/tacl_a_00638",)
    assert (lost.doi, lost.year, lost.kind) == ("10.1162/tacl_a_00638", 2024, "article-journal")
    assert bert.record.arxiv_id == "1810.04805"  # from archive_location
    assert bert.record.authors == ("Jacob Devlin", "Google AI Language")  # a literal name
    assert bert.record.published == "2019-06"
    assert bert.venue.startswith("Proceedings of the 2019 Conference")


def test_a_broken_item_is_said_with_its_line_and_the_next_items_load():
    items = json.loads(CSL_FILE.read_text(encoding="utf-8"))
    text = json.dumps(items[:1], indent="\t")[:-2] + ",\n\t{\n\t\t\"title\": \"Broken\" \"type\": 1\n\t},\n" + json.dumps(items[1:], indent="\t")[2:]
    references, report = read_csl(text)
    assert [r.record.title for r in references] == [items[0]["title"], items[1]["title"], items[2]["title"]]
    line = text[: text.index('"Broken"')].count("\n") + 1
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(f"test.json: item 2 (line {line - 1}): not valid JSON at line {line}")
    assert report.warnings[0].endswith("; skipped")


def test_items_that_are_not_papers_are_said_and_skipped():
    text = '[{"type": "article", "title": "Kept"}, 3, {"type": "article", "issued": {"date-parts": [[2020]]}}, "x"]'
    references, report = read_csl(text)
    assert [r.record.title for r in references] == ["Kept"]
    assert [w.split(": ", 1)[1] for w in report.warnings] == [
        "item 2 (line 1): not an object but int; skipped",
        "item 3 (line 1): no title and no abstract; skipped",
        "item 4 (line 1): not an object but str; skipped",
    ]


def test_nesting_wrong_types_and_a_cut_file_are_survived():
    deep = '[{"type": "article", "title": "First"}, ' + "[" * 100_000 + "]" * 100_000 + "]"
    references, report = read_csl(deep)
    assert [r.record.title for r in references] == ["First"]
    assert "nested too deeply" in report.warnings[0]
    odd = '[{"type": 5, "title": ["Listed title"], "author": [7, {"family": ["x"]}, {"given": "Ann", "family": "Lee"}], "issued": {"date-parts": [["20x4"]]}, "DOI": 12}'
    (reference,), report = read_csl(odd)
    assert (reference.record.title, reference.record.authors, reference.record.published, reference.doi) == ("Listed title", ("Ann Lee",), None, None)
    assert "not closed" in report.warnings[0]
    (alone,), _ = read_csl('{"type": "book", "title": "One item alone", "issued": {"raw": "1999/04"}}')
    assert (alone.record.title, alone.record.published) == ("One item alone", "1999-04")


def test_a_saved_crossref_answer_reads_as_its_work():
    (reference,), report = read_csl((FIXTURES / "crossref-work-tacl_a_00638.json").read_text(encoding="utf-8"))
    assert not report.warnings
    assert reference.record.title == "Lost in the Middle: How Language Models Use Long Contexts"
    assert reference.record.authors[0] == "Nelson F. Liu" and reference.record.published == "2024"  # its `issued`
    assert reference.record.abstract.startswith("While recent language models")  # the JATS heading left out
    assert (reference.doi, reference.kind) == ("10.1162/tacl_a_00638", "journal-article")


def test_markup_in_csl_titles_and_abstracts_is_read_as_text():
    text = json.dumps([{"type": "article", "title": "Spin in <i>Fe</i><sub>3</sub>O<sub>4</sub>", "abstract": "<jats:p>Results &amp; more.</jats:p><jats:p>Next\x1b[31m.</jats:p>"}])
    (reference,), _ = read_csl(text)
    assert reference.record.title == "Spin in Fe 3 O 4"
    assert reference.record.abstract == "Results & more. Next."
    assert strip_markup("if a<b and c>d then") == "if a<b and c>d then"  # no closing tag: mathematics


def test_csl_json_is_recognised_and_other_json_is_not():
    assert csl_json.looks_like(CSL_FILE.read_text(encoding="utf-8"))
    assert csl_json.looks_like('{"type": "book", "title": "x", "issued": {"date-parts": [[1999]]}}')
    assert not csl_json.looks_like((FIXTURES / "hf-daily-papers-2024-10-25.json").read_text(encoding="utf-8")[:65536])
    assert not csl_json.looks_like((FIXTURES / "arxiv-metadata-snapshot-head.jsonl").read_text(encoding="utf-8")[:65536])
    from papertui.export import export

    ours = export([Paper(title="A title", abstract="An abstract", authors=("Ann Lee",), published="2024-01-02")], "json")
    assert not csl_json.looks_like(ours)


def test_dois_are_read_as_written_and_junk_is_not_one():
    assert clean_doi("https://doi.org/10.1093/mind/LIX.236.433") == "10.1093/mind/LIX.236.433"
    assert clean_doi(" doi:10.1002/(SICI)1097-4636(199706)35:4<549::AID-JBM13>3.0.CO;2-E ") == "10.1002/(SICI)1097-4636(199706)35:4<549::AID-JBM13>3.0.CO;2-E"
    for junk in ("10.12/abc", "11.1234/x", "10.1234/", "10.1234/a b", "10.１２３４/x", "10.1234/a\x1b[2J", None, 5):
        assert clean_doi(junk) is None, junk


# --- linear time --------------------------------------------------------------------------------


def _seconds(work, text: str, repeats: int) -> float:
    """Seconds per run, the best of three tries of `repeats` runs, the collector off (a
    collection falling in one size's run and not the other's is noise)."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            start = time.perf_counter()
            for _ in range(repeats):
                work(text)
            best = min(best, (time.perf_counter() - start) / repeats)
    finally:
        if enabled:
            gc.enable()
    return best


def growth(build, work, n: int = 20_000) -> float:
    """Time at 8n over time at n. Short runs are repeated to last 2 ms at least (the clock's
    and the machine's noise), and the 8n run is tried again, up to three times, only when it
    looks too slow: one busy moment of a shared machine is not taken for n²."""
    small, large = build(n), build(8 * n)
    start = time.perf_counter()
    work(small)  # also the warm-up
    repeats = max(1, min(1000, int(0.002 / max(time.perf_counter() - start, 1e-7))))
    small_time = _seconds(work, small, repeats)
    large_time = float("inf")
    for _ in range(3):
        large_time = min(large_time, _seconds(work, large, max(1, repeats // 8)))
        if large_time / small_time < 20:
            break
    return large_time / small_time


HOSTILE = {
    # n characters each, the unit that makes the code read the most per character repeated
    "ris: one abstract wrapped over many lines": (lambda n: "TY  - JOUR\nTI  - t\nAB  - a\n" + "x\n" * (n // 2) + "ER  - \n", read_ris),
    "ris: entries without ER": (lambda n: "TY  - JOUR\nTI  - t\n" * (n // 20), read_ris),
    "ris: tag-like lines": (lambda n: "TY  - JOUR\n" + "T  - x\nTI -\n" * (n // 13), read_ris),
    "csl: broken items, one a line": (lambda n: "[\n" + "{x\n" * (n // 3) + "]", read_csl),
    "csl: an item that never ends": (lambda n: '[{"title": "' + "a" * n, read_csl),
    "markup: openings that never close": (lambda n: "</" + "<a" * (n // 2), strip_markup),
    "markup: openings closed far away": (lambda n: "</" + "<a" * (n // 2) + ">", strip_markup),
    "markup: tags": (lambda n: "<b>x</b>" * (n // 8), strip_markup),
}


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_takes_time_in_proportion_to_its_size(name):
    ratio = growth(*HOSTILE[name])
    assert ratio < 20, f"{name}: 8x the input took {ratio:.1f}x as long"


# --- out, and back in -----------------------------------------------------------------------------

PAPERS = [
    Paper(
        title="Attention Is All You Need", abstract="The dominant sequence transduction models are based on recurrence.",
        arxiv_id="1706.03762", authors=("Ashish Vaswani", "Noam Shazeer", "Ludwig van Beethoven", "Martin Luther King Jr."),
        published="2017-06-12", categories=("cs.CL", "cs.LG"),
    ),
    Paper(title="Ünïcödé — a title: with a colon", abstract="Ein Abstract mit Umlauten: äöü.", arxiv_id="hep-th/9901001", authors=("Plato",), published="1999-01"),
    Paper(
        title="Computing Machinery and Intelligence", abstract="", authors=("A. M. Turing",), published="1950-10-01",
        links=("https://doi.org/10.1093/mind/LIX.236.433",),
    ),
]


def _same(paper: Paper, record) -> tuple:
    return (paper.title, paper.authors, paper.abstract, paper.arxiv_id, paper.published), (
        record.title, record.authors, record.abstract, record.arxiv_id, record.published,
    )


def test_ris_out_reads_back_to_the_same_papers():
    text = ris_out(PAPERS)
    assert text.startswith("TY  - UNPB\nTI  - Attention Is All You Need\nAU  - Vaswani, Ashish\n")
    assert "AU  - van Beethoven, Ludwig\n" in text and "AU  - King, Martin Luther, Jr.\n" in text
    assert "DO  - 10.48550/arXiv.1706.03762\n" in text and "DO  - 10.1093/mind/LIX.236.433\n" in text
    references, report = read_ris(text)
    assert not report.warnings
    assert len(references) == len(PAPERS)
    for paper, reference in zip(PAPERS, references):
        expected, found = _same(paper, reference.record)
        assert found == expected
    assert references[2].doi == "10.1093/mind/LIX.236.433"


def test_ris_out_keeps_every_value_on_its_tag_line():
    hostile = Paper(title="Line\nER  - \nTY  - JOUR\x1b[2J", abstract="a\r\nTI  - forged", authors=("X\nAU  - Y",))
    text = ris_out([hostile])
    assert all(line[:2].isalnum() and line[2:6] in ("  - ", "  -") for line in text.splitlines())
    references, _ = read_ris(text)
    assert [r.record.title for r in references] == ["Line ER - TY - JOUR"]


def test_csl_json_out_has_what_citeproc_needs_and_reads_back():
    items = json.loads(csl_out(PAPERS))
    first = items[0]
    assert first["type"] == "article" and first["title"] == "Attention Is All You Need"
    assert first["author"][:2] == [{"family": "Vaswani", "given": "Ashish"}, {"family": "Shazeer", "given": "Noam"}]
    assert first["author"][3] == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    assert first["issued"] == {"date-parts": [[2017, 6, 12]]}
    assert first["abstract"].startswith("The dominant")
    assert first["URL"] == "https://arxiv.org/abs/1706.03762"
    assert (first["DOI"], first["number"], first["publisher"]) == ("10.48550/arXiv.1706.03762", "arXiv:1706.03762", "arXiv")
    assert items[1]["author"] == [{"literal": "Plato"}]
    assert items[2]["DOI"] == "10.1093/mind/LIX.236.433" and "number" not in items[2]
    assert len({item["id"] for item in items}) == 3
    references, report = read_csl(csl_out(PAPERS))
    assert not report.warnings
    for paper, reference in zip(PAPERS, references):
        expected, found = _same(paper, reference.record)
        assert found == expected


def test_what_semantic_scholar_says_makes_a_journal_article():
    from papertui.sources.citations.model import Citations

    said = Citations(fetched="2026-01-01T00:00:00Z", venue="Nature", journal="Nature", year=2021, doi="10.1038/s41586-021-03819-2")
    paper = PAPERS[0]
    item = json.loads(csl_out([paper], citations_of=lambda p: said))[0]
    assert (item["type"], item["container-title"], item["DOI"]) == ("article-journal", "Nature", "10.1038/s41586-021-03819-2")
    text = ris_out([paper], citations_of=lambda p: said)
    assert text.startswith("TY  - JOUR\n") and "T2  - Nature\n" in text and "DO  - 10.1038/s41586-021-03819-2\n" in text

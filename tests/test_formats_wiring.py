"""RIS and CSL-JSON files load like BibTeX, `list` writes them, `add DOI` asks Crossref, and
`papertui completions` runs from the command line."""

from __future__ import annotations

import json
from pathlib import Path


from fake_crossref import WORK_DOI, FakeCrossref
from papertui.cli import main
from papertui.corpus import load_corpus
from papertui.sources.library import read_library_file

FIXTURES = Path(__file__).parent / "fixtures"




def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_ris_and_csl_json_files_load_and_merge_with_bibtex():
    corpus = load_corpus([FIXTURES / "zotero-export.ris", FIXTURES / "zotero-export-csl.json", FIXTURES / "library.bib"])
    assert [report.format for report in corpus.files] == ["ris", "csl-json", "bibtex"]
    attention = next(p for p in corpus.papers if p.arxiv_id == "1706.03762")
    assert {source.format for source in attention.sources} == {"ris", "csl-json", "bibtex"}
    lost = next(p for p in corpus.papers if p.title.startswith("Lost in the Middle"))
    assert "https://doi.org/10.1162/tacl_a_00638" in lost.links


def test_list_writes_ris_that_reads_back_and_csl_json(tmp_path, capsys):
    code, out, _ = run(["list", str(FIXTURES / "zotero-export.ris"), "--format", "ris"], capsys)
    assert code == 0 and out.startswith("TY  - UNPB\nTI  - Attention Is All You Need\n")
    again = tmp_path / "again.ris"
    again.write_text(out, encoding="utf-8")
    code, back, _ = run(["list", str(again), "--format", "jsonl"], capsys)
    code, first, _ = run(["list", str(FIXTURES / "zotero-export.ris"), "--format", "jsonl"], capsys)
    fields = ("title", "authors", "abstract", "arxiv_id", "published")
    assert [[json.loads(line)[f] for f in fields] for line in back.splitlines()] == [[json.loads(line)[f] for f in fields] for line in first.splitlines()]
    code, out, _ = run(["list", str(FIXTURES / "zotero-export.ris"), "--format", "csl-json"], capsys)
    items = json.loads(out)
    assert [item["type"] for item in items] == ["article", "article", "article"]
    assert items[0]["author"][0] == {"family": "Vaswani", "given": "Ashish"}


def test_add_a_doi_asks_crossref_and_an_arxiv_doi_asks_arxiv(monkeypatch, capsys, feeds, clock, data_dir):
    from papertui.sources import crossref
    from papertui.sources.http import Throttle

    monkeypatch.setattr(crossref, "Throttle", lambda interval: Throttle(interval, clock=clock.clock, sleep=clock.sleep))
    monkeypatch.setenv("PAPERTUI_CONFIG", str(data_dir.parent / "none.toml"))
    server = FakeCrossref()
    monkeypatch.setenv("PAPERTUI_CROSSREF_API", server.url)
    try:
        code, out, err = run(["add", f"https://doi.org/{WORK_DOI}", "10.48550/arXiv.1706.03762", "10.1234/unknown", "not-an-id"], capsys)
    finally:
        server.close()
    assert server.asked == [WORK_DOI, "10.1234/unknown"]  # arXiv's DOI is asked of arXiv
    assert feeds.requests == ["/api/query?id_list=1706.03762&max_results=1"]
    assert "'not-an-id' is not an arXiv id, URL or DOI; skipped" in err
    assert "Crossref knows no work with the DOI 10.1234/unknown" in out + err
    entries = read_library_file(data_dir / "library" / "added.jsonl")
    assert sorted(e["title"] for e in entries.values()) == ["Attention Is All You Need", "Lost in the Middle: How Language Models Use Long Contexts"]


def test_completions_runs_from_the_command_line(capsys):
    code, out, _ = run(["completions", "bash"], capsys)
    assert code == 0 and "complete -F _papertui papertui" in out and " completions " in out

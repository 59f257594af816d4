import json
import subprocess
from types import SimpleNamespace
import sys
from pathlib import Path

import pytest

from conftest import SEED_PAPERS, SEED_RECORDS
from papertui.cli import main

KEYS = {
    "title", "title_derived", "abstract", "arxiv_id", "abs_url", "pdf_url", "listed", "authors", "categories",
    "published", "upvotes", "github_stars", "comments", "first_seen", "id_resolved_from", "links", "sources", "marks",
    "version", "citation_count", "influential_citation_count", "reference_count", "tldr", "venue", "year", "doi", "s2_id",
    "collections", "in_zotero",
}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_accounts_for_every_seed_record(capsys):
    code, out, err = run(capsys, "stats")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["FILE", "FORMAT", "RECORDS", "PAPERS", "MERGED", "WARNINGS"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert rows["seeds/002_cfc4404bc4ac16ab.txt"] == ["hf-daily-page", "174", "174", "1", "0"]
    assert rows["seeds/001_602c7d0816f9df68.txt"] == ["title-pdf-summary", "50", "50", "0", "0"]
    assert sum(int(row[1]) for row in rows.values()) == SEED_RECORDS
    assert lines[-1].split() == ["total", "5", "files", str(SEED_RECORDS), str(SEED_PAPERS), "4", "0"]


def test_list_json_shows_merged_papers_with_all_sources(capsys):
    code, out, _ = run(capsys, "list", "--format", "json")
    papers = json.loads(out)
    assert code == 0 and len(papers) == SEED_PAPERS
    assert all(set(p) == KEYS for p in papers)
    merged = [p for p in papers if len(p["sources"]) > 1]
    assert len(merged) == 4
    teaching = next(p for p in merged if p["title"].startswith("Can LLMs Learn by Teaching"))
    assert teaching["abs_url"] == "https://arxiv.org/abs/2406.14629"
    assert teaching["pdf_url"] == "https://arxiv.org/pdf/2406.14629"
    assert [s["file"] for s in teaching["sources"]] == ["seeds/001_602c7d0816f9df68.txt", "seeds/003_88a3d9c88f37e9f2.txt"]


def test_list_query_ranks_like_the_app(capsys):
    code, out, _ = run(capsys, "list", "--query", "masked thought", "--format", "jsonl", "--limit", "1")
    (paper,) = [json.loads(line) for line in out.splitlines()]
    assert paper["title"].startswith("Masked Thought")
    assert paper["arxiv_id"] is None and paper["abs_url"] is None


def test_list_text_and_links(capsys):
    _, out, _ = run(capsys, "list", "-q", "RaTEScore", "-n", "1")
    assert out == "2406.16845    RaTEScore: A Metric for Radiology Report Generation\n"
    _, out, _ = run(capsys, "list", "-q", "RaTEScore", "-n", "1", "-f", "links")
    assert out == "https://arxiv.org/abs/2406.16845\n"
    _, out, _ = run(capsys, "list", "-n", "1")
    assert out.startswith("-             ~ We give a detailed overview")


def test_list_on_files_with_warnings(capsys, write, tmp_path):
    write("good.txt", "Abstract: A perfectly fine abstract about graph neural networks.\n")
    write("bad.bin", b"\x00\x01\x02\x03" * 100)
    code, out, err = run(capsys, "list", str(tmp_path))
    assert code == 0
    assert "graph neural networks" in out
    assert err.strip() == f"papertui: warning: {tmp_path / 'bad.bin'}: not a text file (binary data); skipped"


def test_nothing_loaded_exits_1(capsys, tmp_path):
    code, out, err = run(capsys, "list", str(tmp_path / "missing.txt"))
    assert code == 1 and out == ""
    assert "no such file or directory" in err and "error: no papers loaded" in err


def test_browser_with_only_missing_paths_exits_1(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "nope"))
    assert code == 1
    assert err.count("\n") == 1 and "nothing to load" in err


@pytest.mark.parametrize(
    "argv",
    [["list", "--limit", "-1"], ["list", "--format", "xml"], ["--bogus"], ["stats", "--query", "x"], ["list", "-n", "many"]],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("papertui: error: ")


def test_help_explains_everything(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for text in ["papertui list", "papertui stats", "--query", "hf-daily-page", "title-pdf-summary", "abstract-lines", "exit status"]:
        assert text in out


def test_module_entry_point_runs_on_the_bundled_seeds(tmp_path):
    # From another directory: the installed package carries its seed corpus.
    result = subprocess.run(
        [sys.executable, "-m", "papertui", "list", "-q", "arboretum", "-f", "links", "-n", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "https://arxiv.org/abs/2406.17720\n"


class FakeTerminal(__import__("io").StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("argv", [["stats"], ["list", "--query", "masked thought"]])
def test_progress_is_shown_on_a_terminal_and_erased(monkeypatch, argv):
    terminal, out = FakeTerminal(), FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(argv) == 0
    progress = terminal.getvalue()
    assert progress.startswith("\rpapertui: ") and "files" in progress
    assert progress.endswith("\r") and progress.rsplit("\r", 2)[-2].strip() == ""  # erased
    assert "\r" not in out.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal(capsys):
    code, out, err = run(capsys, "list", "--query", "masked thought")
    assert code == 0 and err == "" and "Masked Thought" in out.splitlines()[0]


def test_list_filters_on_marks_saved_in_the_data_directory(capsys, seed_corpus, data_dir):
    from papertui.marks.store import MarkStore

    masked = next(p for p in seed_corpus.papers if p.title.startswith("Masked Thought"))
    teaching = next(p for p in seed_corpus.papers if p.title.startswith("Can LLMs Learn by Teaching"))
    store = MarkStore.open()
    store.update(masked, starred=True, tags=["to-read"])
    store.update(teaching, read=True, tags=["to-read"])
    store.save()
    _, out, err = run(capsys, "list", "--query", "is:starred")
    assert out == f"-             {masked.title}\n" and err == ""
    _, out, _ = run(capsys, "list", "--query", "tag:to-read", "--format", "links")
    teaching_link, masked_link = out.splitlines()  # corpus order: file 001 comes before 002
    assert masked_link.startswith("https://arxiv.org/search/?query=Masked+Thought")
    assert teaching_link == "https://arxiv.org/abs/2406.14629"
    _, out, _ = run(capsys, "list", "--query", "tag:to-read", "--format", "json")
    assert [p["marks"]["tags"] for p in json.loads(out)] == [["to-read"], ["to-read"]]
    _, out, _ = run(capsys, "list", "--query", "is:unread", "--format", "links")
    assert len(out.splitlines()) == SEED_PAPERS - 1


def test_list_sorts_and_exports(capsys):
    _, out, _ = run(capsys, "list", "--sort", "title", "-n", "3")
    titles = [line[14:] for line in out.splitlines()]
    assert titles == sorted(titles, key=str.casefold) and len(titles) == 3
    _, out, _ = run(capsys, "list", "--sort", "date", "-q", "has:id", "-n", "2", "-f", "bibtex")
    assert out.count("@misc{") == 2 and out.count("eprint = {") == 2 and out.startswith("@misc{llara2024,") and "year = {2024}" in out
    _, out, _ = run(capsys, "list", "-q", "RaTEScore", "-f", "markdown")
    assert out == "- [RaTEScore: A Metric for Radiology Report Generation](https://arxiv.org/abs/2406.16845) · arXiv:2406.16845\n"


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "entries"),
    [("arxiv-api-query-testing.atom.xml", 100), ("arxiv-metadata-snapshot-head.jsonl", 100), ("hf-daily-papers-2024-10-25.json", 29)],
)
def test_stats_accounts_for_every_entry_of_the_real_samples(capsys, name, entries):
    code, out, err = run(capsys, "stats", str(FIXTURES / name))
    total = out.splitlines()[-1].split()
    assert code == 0 and err == ""
    assert total == ["total", "1", "files", str(entries), str(entries), "0", "0"]


def test_list_filters_and_sorts_on_the_new_fields(capsys):
    _, out, _ = run(capsys, "list", "-q", "upvotes:>=35", "-s", "upvotes", str(FIXTURES / "hf-daily-papers-2024-10-25.json"))
    assert [line.split()[0] for line in out.splitlines()] == ["2410.17243", "2410.16251", "2410.18533", "2410.18693"]
    _, out, _ = run(capsys, "list", "-q", "au:balazs", "-f", "json", str(FIXTURES))
    [paper] = json.loads(out)
    assert paper["authors"][0] == "C. Balázs" and paper["categories"] == ["hep-ph"] and paper["published"] == "2007-04-02"
    _, out, _ = run(capsys, "list", "-q", "id:2410.17243", "-f", "bibtex", str(FIXTURES))
    assert "author = {Zesen Cheng and Hang Zhang and" in out and "primaryClass = {cs.CV}" in out


def test_list_says_how_a_malformed_query_was_read(capsys):
    code, out, err = run(capsys, "list", "-q", 'masked "thought', "-n", "1")
    assert code == 0 and out.startswith("-             Masked Thought")
    assert err == 'papertui: note: query: an unbalanced " was read literally\n'


class FakeApp:
    def __init__(self, chosen):
        self.chosen = chosen
        from papertui.marks.store import MarkStore

        self.marks = MarkStore(None)
        self.enricher = SimpleNamespace(citations_of=lambda paper: None)  # no citations kept

    def run(self):
        return self.chosen


@pytest.mark.parametrize(
    "chosen, code, printed",
    [
        (None, 130, ""),  # left with q, Esc or Ctrl+Q
        ([], 1, ""),  # nothing to choose
        ("two", 0, "https://arxiv.org/abs/2406.16845\nhttps://arxiv.org/abs/2406.14629\n"),
    ],
)
def test_print_mode_prints_the_chosen_papers(capsys, monkeypatch, seed_corpus, chosen, code, printed):
    from papertui.cli import browse

    if chosen == "two":
        chosen = [p for p in seed_corpus.papers if p.arxiv_id in ("2406.16845", "2406.14629")]
        chosen.sort(key=lambda p: p.arxiv_id, reverse=True)
    made = {}

    def fake_make_app(paths, query, print_mode, with_library=True, with_zotero=True):
        made.update(query=query, print_mode=print_mode)
        return FakeApp(chosen)

    monkeypatch.setattr(browse, "make_app", fake_make_app)
    monkeypatch.setattr(browse, "_terminal_reachable", lambda: True)  # tests may run with no terminal
    assert run(capsys, "--print", "-q", "x")[:2] == (code, printed)
    assert made == {"query": "x", "print_mode": True}


def test_a_dash_reads_papers_from_standard_input():
    bibtex = (FIXTURES / "library.bib").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "papertui", "list", "-q", "au:devlin", "-"], input=bibtex, capture_output=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.decode() == "1810.04805    BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding\n"
    assert b"<stdin>: entry 6 (broken2020, line 56): its braces never close; skipped" in done.stderr


def test_the_browser_refuses_a_dash_when_stdin_is_the_terminal(capsys, monkeypatch):
    monkeypatch.setattr("os.isatty", lambda fd: True)
    code, out, err = run(capsys, "-")
    assert code == 2 and out == ""
    assert err == "papertui: error: '-' reads papers from standard input, but it is the terminal (pipe a file in)\n"

"""The first read of a large JSON-lines file straight into the cache (`papertui.bulk`): the same
papers, file reports and answers as a load the usual way, whatever the file holds — records
of one paper spread over the file and over other files, papers sharing a title but not an id,
damaged lines, fields over their limits — and a restart and an update from what it kept."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from papertui.bulk import read as bulk_read
from papertui.corpus import parallel_lines
from papertui.loading import Load

HERE = Path(__file__).parent
HEAD = HERE / "fixtures" / "arxiv-metadata-snapshot-head.jsonl"
BENCH = HERE.parent / "bench"
QUERIES = ["language", "model reason", "graph neural", "attention -vision", "title:learning", "year:2007", "lang", "xyzzy"]


def generated_lines(count: int) -> list[bytes]:
    spec = importlib.util.spec_from_file_location("make_snapshot", BENCH / "make_snapshot.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    return maker.write_block(0, 0, 0, count, count).splitlines()


def snapshot_line(arxiv_id: str, title: str, abstract: str, **more: object) -> bytes:
    fields = {"id": arxiv_id, "title": title, "abstract": abstract, "authors": "A. Author and B. Writer", "categories": "cs.CL"}
    fields.update(more)
    return json.dumps(fields).encode()


@pytest.fixture
def hostile_snapshot(tmp_path: Path) -> Path:
    """Real lines, generated ones, and every kind of trouble, spread over the whole file."""
    real = HEAD.read_bytes().splitlines()
    lines = real[:50] + generated_lines(300) + real[50:]
    same_title = "A Title Two Different Papers Happen To Share Exactly"
    same_abstract = "An abstract long enough to prove that two records are one paper, written twice over."
    trouble = [
        snapshot_line("2401.00001", same_title, "The first paper of this title, with an abstract of its own words."),
        snapshot_line(real[3].decode() and json.loads(real[3])["id"], "A later version of a real paper", json.loads(real[3])["abstract"]),
        snapshot_line("2401.00002", "Early record", same_abstract),
        b'{"id": "2401.00003", "title": broken json',
        snapshot_line("2401.00004", "Control \x1b[31mcharacters\x07 in a title", "And in the abstract \x1b]0;pwned\x07 too."),
        snapshot_line("2401.00005", "T" * 5000 + " overlong", "An abstract after an overlong title."),
        b"",
        "caf\xe9 not utf-8".encode("latin-1"),
        snapshot_line("2401.00006", same_title, "The second paper of this title: another id, other words."),
        snapshot_line("2401.00002", "Early record, again", same_abstract),
        snapshot_line("2401.00007", "[bold]Markup[/bold] and [CLS] tokens", "Square [brackets] stay text."),
    ]
    for number, line in enumerate(trouble):  # spread out, so that they fall in different ranges
        lines.insert(min(len(lines), 7 + number * 41), line)
    path = tmp_path / "data" / "snapshot.jsonl"
    path.parent.mkdir()
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A second file with records of papers in the snapshot (by id and by abstract) and one of its own."""
    real = [json.loads(line) for line in HEAD.read_bytes().splitlines()]
    path = tmp_path / "data" / "library.txt"
    path.parent.mkdir(exist_ok=True)
    blocks = [
        f"Title: {real[10]['title']}\nPDF: https://arxiv.org/pdf/{real[10]['id']}\nSummary: A library's own summary of it.\n",
        f"Title: Library only paper\nPDF: https://arxiv.org/pdf/2402.09999\nSummary: Nothing else has this one.\n",
        f"Title: {real[20]['title']}\nSummary: {real[20]['abstract']}\n",
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def load(paths: list[Path], monkeypatch, bulk: bool, cache: Path):
    """The whole load's last step, read by the pool into the cache (`bulk`) or the usual way."""
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(cache))
    with monkeypatch.context() as patch:
        patch.setattr(parallel_lines, "PARALLEL_FROM", 0 if bulk else 1 << 62)
        patch.setattr(parallel_lines, "workers", lambda: 2)
        patch.setattr(bulk_read, "FIRST_RANGES", (2000,))
        patch.setattr(bulk_read, "RANGE", 9000)  # many ranges: lines across every kind of boundary
        steps = list(Load(paths).steps())
    done = [step for step in steps if step.done and not step.after_done]
    assert done, "the load never finished"
    return done[-1], steps


def described(step) -> dict:
    corpus, index = step.corpus, step.index
    papers = [dataclasses.asdict(corpus.papers[i]) for i in range(len(corpus.papers))]
    reports = [dataclasses.asdict(report) for report in corpus.files]
    answers = {query: [corpus.papers[i].title for i in index.search(query).rows] for query in QUERIES}
    return {"papers": papers, "reports": reports, "answers": answers}


def test_a_first_read_into_the_cache_gives_what_the_usual_read_gives(hostile_snapshot, library, tmp_path, monkeypatch):
    paths = [hostile_snapshot, library]
    usual, _ = load(paths, monkeypatch, bulk=False, cache=tmp_path / "usual-cache")
    first, steps = load(paths, monkeypatch, bulk=True, cache=tmp_path / "bulk-cache")
    expected = described(usual)
    assert len(expected["papers"]) > 250  # the generated ids repeat the real head's: many merge
    assert any(report["merged"] for report in expected["reports"])  # records of one paper did merge
    assert any("not UTF-8" in w for w in usual.corpus.warnings) and any("line " in w for w in usual.corpus.warnings)
    got = described(first)
    # A file's paper count is of the papers it ends in: the usual read counts a paper it joined
    # by title and then split again (two ids) once, while both are in the corpus.
    for report in got["reports"]:
        ending_in = {i for i, paper in enumerate(first.corpus.papers) if any(s.path == report["path"] for s in paper.sources)}
        assert report.pop("papers") == len(ending_in)
    for report in expected["reports"]:
        report.pop("papers")
    assert got["reports"] == expected["reports"]
    assert got["answers"] == expected["answers"]
    assert sorted(got["papers"], key=repr) == sorted(expected["papers"], key=repr)
    # Searchable while reading: steps before the last already answered with some papers.
    growing = [step.indexed for step in steps if not step.done]
    assert len(set(growing)) > 3 and max(growing) > 0


def test_the_order_is_the_usual_one_where_no_paper_was_split(tmp_path, monkeypatch):
    """Records of one paper (an id given twice, an abstract given twice) merge into the place
    of the first, and the papers keep the order they came in, as a usual load keeps them."""
    real = HEAD.read_bytes().splitlines()
    first = json.loads(real[5])
    lines = real[:30] + [snapshot_line(first["id"], "A revised title", first["abstract"])] + real[30:]
    path = tmp_path / "data" / "snapshot.jsonl"
    path.parent.mkdir()
    path.write_bytes(b"\n".join(lines) + b"\n")
    usual, _ = load([path], monkeypatch, bulk=False, cache=tmp_path / "usual-cache")
    read, _ = load([path], monkeypatch, bulk=True, cache=tmp_path / "bulk-cache")
    assert [p.title for p in read.corpus.papers] == [p.title for p in usual.corpus.papers]
    assert len(read.corpus.papers) == len(real)


def test_a_restart_and_an_update_start_from_what_the_first_read_kept(hostile_snapshot, library, tmp_path, monkeypatch):
    cache = tmp_path / "bulk-cache"
    first, _ = load([hostile_snapshot, library], monkeypatch, bulk=True, cache=cache)
    again, _ = load([hostile_snapshot, library], monkeypatch, bulk=True, cache=cache)
    assert again.cached
    assert described(again) == described(first)
    # A file changes: the kept load is brought up to date, as the usual read's kept load is.
    usual_cache = tmp_path / "usual-cache"
    load([hostile_snapshot, library], monkeypatch, bulk=False, cache=usual_cache)
    library.write_text(library.read_text(encoding="utf-8") + "\nTitle: Added later\nSummary: A new paper in the library.\n", encoding="utf-8")
    updated, _ = load([hostile_snapshot, library], monkeypatch, bulk=True, cache=cache)
    usual, _ = load([hostile_snapshot, library], monkeypatch, bulk=False, cache=usual_cache)
    assert updated.updated and usual.updated
    got, expected = described(updated), described(usual)
    assert "Added later" in [paper["title"] for paper in got["papers"]]
    # Split papers (one title, two ids) take other places: the same answers, ties in another order.
    assert {q: sorted(rows) for q, rows in got["answers"].items()} == {q: sorted(rows) for q, rows in expected["answers"].items()}
    assert sorted(got["papers"], key=repr) == sorted(expected["papers"], key=repr)


def test_a_stopped_first_read_keeps_what_it_read_and_no_cache(hostile_snapshot, tmp_path, monkeypatch):
    whole, _ = load([hostile_snapshot], monkeypatch, bulk=True, cache=tmp_path / "whole-cache")
    cache = tmp_path / "bulk-cache"
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(cache))
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 3

    with monkeypatch.context() as patch:
        patch.setattr(parallel_lines, "PARALLEL_FROM", 0)
        patch.setattr(parallel_lines, "workers", lambda: 2)
        patch.setattr(bulk_read, "FIRST_RANGES", (2000,))
        patch.setattr(bulk_read, "RANGE", 9000)
        stopped = list(Load([hostile_snapshot], stop=stop).steps())
    last = stopped[-1]
    assert last.done and last.progress.stopped
    assert 0 < len(last.corpus.papers) < len(whole.corpus.papers)
    assert any("loading stopped" in w for w in last.corpus.warnings)
    assert len(last.index) == len(last.corpus.papers) and len(last.index.search("the").rows) > 0
    assert list((cache / "corpus").iterdir()) == []  # a part of the file is not kept as if it were the whole


READ_IN_A_POOL = """
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


class Replaced:  # what Textual puts in place of sys.stderr while the app runs
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1


if __name__ == "__main__":
    from papertui.cli.browse import _ready_for_reading_workers

    if sys.argv[1] == "ready":
        _ready_for_reading_workers([Path(sys.argv[2])])
    sys.stderr = Replaced()
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            print(pool.submit(abs, -7).result())
    except Exception as error:
        print(type(error).__name__, error)
"""


@pytest.mark.parametrize("ready", [True, False])
def test_workers_start_inside_the_app_once_the_browser_readied_them(tmp_path, ready):
    """Inside the app sys.stderr's fileno() is -1, and a pool's first start then fails ("bad
    value(s) in fds_to_keep"); the browser starts what the pool needs before the app runs."""
    import subprocess
    import sys

    script = tmp_path / "pool.py"
    script.write_text(READ_IN_A_POOL, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), "ready" if ready else "not", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == ("7" if ready else "ValueError bad value(s) in fds_to_keep"), done.stderr[-500:]


def test_too_little_room_in_the_cache_reads_into_memory_and_says_so(hostile_snapshot, tmp_path, monkeypatch):
    import shutil as shutil_module
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_module, "disk_usage", lambda where: usage(10**9, 10**9 - 1000, 1000))
    last, _ = load([hostile_snapshot], monkeypatch, bulk=True, cache=tmp_path / "full-cache")
    notes = [step.note for step in _ if step.note]
    assert any("free" in note and "read into memory instead" in note for note in notes), notes
    assert len(last.corpus.papers) > 250 and isinstance(last.corpus.papers, list)  # read the usual way, into memory


def test_a_cache_that_fills_while_reading_falls_back_to_reading_into_memory(hostile_snapshot, tmp_path, monkeypatch):
    from papertui.bulk import store

    real = store.ColumnStore.append
    calls = []

    def filling(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(store.ColumnStore, "append", filling)
    last, steps = load([hostile_snapshot], monkeypatch, bulk=True, cache=tmp_path / "cache")
    usual, _ = load([hostile_snapshot], monkeypatch, bulk=False, cache=tmp_path / "usual-cache")
    assert any(step.note and "No space left on device" in step.note for step in steps)
    assert [p.title for p in last.corpus.papers] == [p.title for p in usual.corpus.papers]
    assert not any(entry.name.startswith(".building") for entry in (tmp_path / "cache" / "corpus").iterdir())

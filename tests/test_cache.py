"""The kept load: a restart reads the corpus and index from the cache, exactly as loaded; any
change of the inputs or of papertui is noticed; a damaged cache is rebuilt, never trusted."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from papertui import bundled_seeds
from papertui.cache import snapshot
from papertui.cache.snapshot import PACK, META, snapshots_dir
from papertui.cli import main
from papertui.loading import load_and_index

FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUERIES = [
    "masked thought", "reinforcment learn", "cat:cs.CL llm", '"language model"', "has:code", "title:agent",
    "-llm agent", "id:2410", "lang mod | vision", "^a", "date:>=2024-03", "upvotes:>=10", "!the model",
]  # fmt: skip


def loaded(paths: list[Path]):
    steps = list(load_and_index(paths))
    return steps[-1], steps


def fields(paper) -> dict:
    return dataclasses.asdict(paper)


def snapshots() -> list[Path]:
    root = snapshots_dir()
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else []


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds and files of every other format, copied where a test may change them."""
    folder = tmp_path / "papers"
    folder.mkdir()
    for source in sorted(bundled_seeds().iterdir()):
        (folder / source.name).write_bytes(source.read_bytes())
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_file()):  # Atom, Hugging Face JSON, the snapshot, BibTeX
        (folder / fixture.name).write_bytes(fixture.read_bytes())
    (folder / "bad.bib").write_text("@article{x, title = {Broken [CLS] \x1b[31m}, abstract = {unclosed", encoding="utf-8")
    return folder


def test_a_restart_gives_the_same_papers_warnings_and_answers(corpus):
    fresh, steps = loaded([corpus])
    assert not fresh.cached and len(steps) > 1
    again, steps = loaded([corpus])
    assert again.cached and len(steps) == 1 and again.done and again.note is None
    assert len(again.corpus.papers) == len(fresh.corpus.papers) > 321
    assert again.corpus.papers.made == 0  # nothing is made before it is asked for
    assert [fields(p) for p in again.corpus.papers] == [fields(p) for p in fresh.corpus.papers]
    assert again.corpus.warnings == fresh.corpus.warnings and any("bad.bib" in f.path for f in again.corpus.files)
    for query in QUERIES:
        assert list(again.index.search(query).rows) == list(fresh.index.search(query).rows), query
    assert again.corpus.papers[5] is again.corpus.papers[5]  # made once, then the same object


def test_a_typo_and_a_prefix_are_found_in_a_restored_index(corpus):
    loaded([corpus])
    again, _ = loaded([corpus])
    titles = [again.corpus.papers[i].title for i in again.index.search("reinforcment").rows[:20]]
    assert titles and all("reinforcement" in (t + again.corpus.papers[i].abstract).lower() for t, i in zip(titles, again.index.search("reinforcment").rows[:20]))
    assert len(again.index.search("transf").rows) > 0


def test_a_changed_removed_or_added_file_is_noticed(corpus):
    """(Only those files are read again: tests/test_cache_update.py.)"""
    loaded([corpus])
    first = snapshots()
    target = corpus / "hf-daily-papers-2024-10-25.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data[0]["paper"]["title"] = "Zyxwvut Quokka Papers"
    target.write_text(json.dumps(data), encoding="utf-8")
    changed, _ = loaded([corpus])
    assert changed.updated and len(changed.index.search("zyxwvut quokka").rows) == 1
    assert snapshots() != first and len(snapshots()) == 1  # the old one is gone

    target.unlink()
    removed, _ = loaded([corpus])
    assert removed.updated and len(removed.index.search("zyxwvut").rows) == 0

    (corpus / "extra.txt").write_text("Abstract: Platypus retrieval for the curious reader and friends.\n", encoding="utf-8")
    added, _ = loaded([corpus])
    assert added.updated and len(added.index.search("platypus").rows) == 1
    assert loaded([corpus])[0].cached and len(snapshots()) == 1


def test_the_same_size_and_a_new_time_is_a_change(corpus):
    loaded([corpus])
    target = sorted(corpus.glob("0*.txt"))[0]
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("model", "mödel", 1).replace("the ", "th ", 1)
    assert len(swapped.encode()) == len(text.encode())
    target.write_text(swapped, encoding="utf-8")
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 1_000_000))
    assert loaded([corpus])[0].updated


def test_a_new_papertui_version_builds_its_own(corpus, monkeypatch):
    loaded([corpus])
    monkeypatch.setattr(snapshot, "__version__", "99.0")
    newer, _ = loaded([corpus])
    assert not newer.cached
    assert loaded([corpus])[0].cached and len(snapshots()) == 1


@pytest.mark.parametrize("damage", ["truncate", "garbage meta", "postings", "offsets", "foreign"])
def test_a_damaged_cache_is_rebuilt_with_one_line(corpus, damage):
    fresh, _ = loaded([corpus])
    (where,) = snapshots()
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    if damage == "truncate":
        with open(where / PACK, "r+b") as file:
            file.truncate(os.path.getsize(where / PACK) // 2)
    elif damage == "garbage meta":
        (where / META).write_bytes(b"\x00\xffnot json")
    elif damage in ("postings", "offsets"):
        name = "segment0.title.papers" if damage == "postings" else "title.offsets"
        kind, offset, count = meta["pack"][name]
        with open(where / PACK, "r+b") as file:
            file.seek(offset + (count // 2) * np.dtype(kind).itemsize)
            file.write(b"\xff" * np.dtype(kind).itemsize)
    else:
        meta["key"]["files"] = [["/elsewhere", 1, 2]]
        (where / META).write_text(json.dumps(meta), encoding="utf-8")
    rebuilt, steps = loaded([corpus])
    assert not rebuilt.cached
    notes = [s.note for s in steps if s.note]
    assert len(notes) == 1 and "could not be used" in notes[0] and "\n" not in notes[0]
    assert [fields(p) for p in rebuilt.corpus.papers] == [fields(p) for p in fresh.corpus.papers]
    assert loaded([corpus])[0].cached  # and it was written again, whole


def test_a_stopped_load_and_standard_input_are_not_kept(corpus):
    steps = list(load_and_index([corpus], stop=lambda: True))
    assert steps[-1].progress.stopped and not snapshots()
    assert not loaded([Path("-")])[0].cached and not snapshots()


def test_a_cache_that_cannot_be_written_is_said_once_and_costs_nothing(corpus, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(blocked))
    last, steps = loaded([corpus])
    assert last.after_done and "could not be cached" in last.note
    assert steps[-2].done and len(steps[-2].corpus.papers) == len(last.corpus.papers)


def test_two_processes_building_at_once_both_answer_and_leave_one_whole_cache(corpus):
    command = [sys.executable, "-m", "papertui", "list", "--query", "language model", "--format", "links", str(corpus)]
    env = dict(os.environ)
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0][0] == outputs[1][0] and outputs[0][0].count(b"\n") > 10
    assert len(snapshots()) == 1 and not list(snapshots_dir().glob(".building-*"))
    third = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert third.stdout == outputs[0][0] and loaded([corpus])[0].cached


def test_list_and_stats_use_the_kept_load_and_cache_clear_empties_it(corpus, capsys):
    assert main(["list", "--query", "masked thought", "--format", "links", str(corpus)]) == 0
    listed = capsys.readouterr().out
    assert listed and len(snapshots()) == 1
    (where,) = snapshots()
    (where / PACK).write_bytes(b"")  # damaged: the next run says so once and rebuilds
    assert main(["list", "--query", "masked thought", "--format", "links", str(corpus)]) == 0
    out, err = capsys.readouterr()
    assert out == listed and err.count("note: the cache of these papers") == 1
    assert main(["stats", str(corpus)]) == 0  # from the kept load: the file reports too
    out, err = capsys.readouterr()
    assert "bad.bib" in out and "bad.bib" in err and "note:" not in err
    assert main(["cache"]) == 0 and "1 kept load," in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0 and "cleared" in capsys.readouterr().out and not snapshots()
    assert main(["cache"]) == 0 and "0 kept loads" in capsys.readouterr().out


async def test_the_app_starts_from_the_kept_load_and_says_when_it_cannot(corpus, monkeypatch):
    from helpers import settle

    from papertui.ui import recommend_actions

    monkeypatch.setattr(recommend_actions, "AUTO_BUILD_PAPERS", 0)  # as for a large corpus

    from papertui.cli import make_app
    from papertui.corpus.stored import StoredPapers

    first = make_app([corpus])
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        count = len(first.corpus.papers)
        await pilot.press(*"agent")
        await settle(pilot)
        wanted = [first.corpus.papers[i].title for i in first.paper_list.rows[:10]]
    again = make_app([corpus])
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(again.corpus.papers, StoredPapers) and len(again.corpus.papers) == count
        assert again.corpus.papers.made < 100  # only what the screen shows
        await pilot.press(*"agent")
        await settle(pilot)
        assert [again.corpus.papers[i].title for i in again.paper_list.rows[:10]] == wanted
        assert not [n for n in again._notifications if n.title == "Cache"]
    (where,) = snapshots()
    (where / META).write_text("{}", encoding="utf-8")
    damaged = make_app([corpus])
    async with damaged.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = [n.message for n in damaged._notifications if n.title == "Cache"]
        assert len(notes) == 1 and "being rebuilt" in notes[0]
        assert len(damaged.corpus.papers) == count and not isinstance(damaged.corpus.papers, StoredPapers)


async def test_the_status_line_says_while_the_load_is_being_kept(corpus, monkeypatch):
    import asyncio
    import threading

    from helpers import settle

    from papertui import loading
    from papertui.cli import make_app

    release = threading.Event()
    real_save = loading.save_snapshot

    def slow_save(*args):
        release.wait(10)
        return real_save(*args)

    monkeypatch.setattr(loading, "save_snapshot", slow_save)
    app = make_app([corpus])
    async with app.run_test(size=(160, 40)) as pilot:
        status = lambda: str(app.query_one("#status").render())  # noqa: E731
        for _ in range(200):
            await asyncio.sleep(0.02)
            if "keeping them in the cache" in status():
                break
        assert "keeping them in the cache for the next start" in status() and not app.loading
        await pilot.press(*"agent")  # the app is usable meanwhile
        assert app.filter_bar.value == "agent"
        release.set()
        await settle(pilot)
        assert "keeping" not in status() and len(snapshots()) == 1


def test_a_fifo_among_the_inputs_is_skipped_and_the_load_still_kept(corpus):
    os.mkfifo(corpus / "pipe.txt")
    first, steps = loaded([corpus])
    assert any("named pipe" in warning for warning in first.corpus.warnings)
    assert first.note is None and len(snapshots()) == 1
    again, _ = loaded([corpus])
    assert again.cached and any("named pipe" in warning for warning in again.corpus.warnings)


async def test_the_hidden_load_bar_stops_animating_after_a_start_from_the_cache(corpus):
    from helpers import settle
    from textual.widgets import ProgressBar
    from textual.widgets._progress_bar import Bar

    from papertui.cli import make_app

    loaded([corpus])
    app = make_app([corpus])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.query_one("#progress", ProgressBar)
        assert not bar.display and bar.query_one(Bar).auto_refresh is None  # no timer repainting it


@pytest.mark.parametrize("damage", ["positions", "bounds"])
def test_a_damaged_trigram_index_in_the_cache_is_rebuilt_with_one_line(corpus, monkeypatch, damage):
    from papertui.search import vocabulary as vocabulary_module

    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)  # the vocabulary counts as large: its index is kept
    fresh, _ = loaded([corpus])
    (where,) = snapshots()
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    assert meta["index"]["trigrams"]
    kind, offset, count = meta["pack"][f"trigrams.{damage}"]
    with open(where / PACK, "r+b") as file:  # a number far past what it indexes
        file.seek(offset + (count - 1) * np.dtype(kind).itemsize)
        file.write(b"\x7f" * np.dtype(kind).itemsize)
    rebuilt, steps = loaded([corpus])
    assert not rebuilt.cached
    notes = [s.note for s in steps if s.note]
    assert len(notes) == 1 and "trigram" in notes[0] and "\n" not in notes[0]
    assert list(rebuilt.index.search("eason").rows) == list(fresh.index.search("eason").rows)
    again, _ = loaded([corpus])
    assert again.cached and not again.index.substrings_wanted()

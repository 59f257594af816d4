"""A kept load brought up to date is kept without copying what did not change: the new
snapshot links the packs of the one before and adds one pack of what is new. A restart from
it gives what a fresh read of the same files gives; chains stay short; a damaged or missing
pack is found and the load rebuilt; the cache's size, prune and clear are unchanged."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from papertui import bundled_seeds
from papertui.cache import snapshot as snapshot_module
from papertui.cache import update as update_module
from papertui.cache.entries import MARKER, META, PACK
from papertui.cache.snapshot import CACHE_DIR_VARIABLE, cache_size, clear_cache, snapshots_dir
from papertui.loading import load_and_index

QUERIES = ["quokka", "platypus", "language model", "reinforcment learn", "title:agent", "date:>=2024-03", "-llm agent", "2401.00001", "zyxwvut"]


def loaded(folder: Path):
    steps = list(load_and_index([folder]))
    return [s for s in steps if not s.after_done][-1], [s.note for s in steps if s.note]


def full_read(folder: Path):
    kept = os.environ[CACHE_DIR_VARIABLE]
    os.environ[CACHE_DIR_VARIABLE] = tempfile.mkdtemp(prefix="full-read-")
    try:
        return loaded(folder)[0]
    finally:
        shutil.rmtree(os.environ[CACHE_DIR_VARIABLE], ignore_errors=True)
        os.environ[CACHE_DIR_VARIABLE] = kept


def rows(step) -> list[str]:
    return [json.dumps(dataclasses.asdict(p), sort_keys=True) for p in step.corpus.papers]


def answers(step) -> dict[str, list[str]]:
    papers = step.corpus.papers
    return {q: sorted(json.dumps(dataclasses.asdict(papers[i]), sort_keys=True) for i in step.index.search(q).rows) for q in QUERIES}


def assert_as_a_fresh_read(step, folder: Path) -> None:
    fresh = full_read(folder)
    assert sorted(rows(step)) == sorted(rows(fresh))
    assert [(r.path, r.format, r.records, r.warnings) for r in step.corpus.files] == [
        (r.path, r.format, r.records, r.warnings) for r in fresh.corpus.files
    ]
    assert answers(step) == answers(fresh)


def the_snapshot() -> Path:
    (where,) = [p for p in snapshots_dir().iterdir() if not p.name.startswith(".")]
    return where


def packs_of(where: Path) -> list[str]:
    return sorted(name for name in os.listdir(where) if name.endswith(".bin"))


def day_file(folder: Path, number: int, shared_title: str | None = None) -> None:
    """A day's papers (JSON lines, new ids); one may share a title with a kept paper, so that
    a kept paper is merged again (and the kept papers no longer run in order)."""
    lines = [
        {"id": f"2502.{number:02d}{k:03d}", "title": f"Quokka habitats day {number} number {k}", "abstract": f"Platypus day {number} paper {k} studies burrows at length."}
        for k in range(3)
    ]
    if shared_title:
        lines.append({"title": shared_title, "abstract": "A second record of a kept paper, from the day's file."})
    (folder / f"day-{number:02d}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(update_module, "MOST_CHANGED", 1.0)
    folder = tmp_path / "papers"
    folder.mkdir()
    for source in sorted(bundled_seeds().iterdir()):
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def a_kept_title(step) -> str:
    return next(p.title for p in step.corpus.papers if len(p.title) > 30)


def test_an_update_links_the_kept_pack_and_a_restart_gives_a_fresh_reads_papers(folder):
    first, _ = loaded(folder)
    base = os.stat(the_snapshot() / PACK)
    day_file(folder, 1, shared_title=a_kept_title(first))
    updated, notes = loaded(folder)
    assert updated.updated and not notes
    where = the_snapshot()
    assert len(packs_of(where)) == 2  # the kept pack, linked, and the new one
    linked = os.stat(where / PACK)
    assert (linked.st_ino, linked.st_size) == (base.st_ino, base.st_size)  # the same file: nothing copied
    (added,) = [name for name in packs_of(where) if name != PACK]
    assert os.stat(where / added).st_size < base.st_size / 2
    again, notes = loaded(folder)
    assert again.cached and not notes
    assert rows(again) == rows(updated)  # the same papers in the same order
    assert answers(again) == answers(updated)
    assert_as_a_fresh_read(again, folder)


def test_days_added_one_after_another_stay_a_short_chain(folder, monkeypatch):
    monkeypatch.setattr(snapshot_module, "MAX_PACKS", 3)
    monkeypatch.setattr(snapshot_module, "MAX_STALE", 1.0)  # a few papers: the rewritten columns are most of a pack
    first, _ = loaded(folder)
    title = a_kept_title(first)
    counts = []
    for number in range(1, 6):
        day_file(folder, number, shared_title=title if number % 2 else None)
        updated, notes = loaded(folder)
        assert updated.updated and not notes
        counts.append(len(packs_of(the_snapshot())))
        again, notes = loaded(folder)
        assert again.cached and not notes and rows(again) == rows(updated)
        assert_as_a_fresh_read(again, folder)
    assert counts == [2, 3, 1, 2, 3]  # written whole when a fourth pack would join


def test_too_many_stale_bytes_write_the_load_whole(folder, monkeypatch):
    monkeypatch.setattr(snapshot_module, "MAX_STALE", 0.0)
    first, _ = loaded(folder)
    day_file(folder, 1, shared_title=a_kept_title(first))  # the merged-again paper's old texts go stale
    updated, _ = loaded(folder)
    assert updated.updated and packs_of(the_snapshot()) == [PACK]
    assert_as_a_fresh_read(loaded(folder)[0], folder)


def test_without_hard_links_the_load_is_written_whole(folder, monkeypatch):
    loaded(folder)

    def no_links(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(snapshot_module.os, "link", no_links)
    day_file(folder, 1)
    updated, notes = loaded(folder)
    assert updated.updated and not notes
    where = the_snapshot()
    assert sorted(os.listdir(where)) == sorted([PACK, META, MARKER])
    again, notes = loaded(folder)
    assert again.cached and not notes and rows(again) == rows(updated)
    assert_as_a_fresh_read(again, folder)


@pytest.mark.parametrize("damage", ["truncated addition", "missing base", "addition swapped"])
def test_a_damaged_or_missing_pack_is_said_once_and_the_load_rebuilt(folder, damage):
    loaded(folder)
    day_file(folder, 1)
    loaded(folder)
    where = the_snapshot()
    (added,) = [name for name in packs_of(where) if name != PACK]
    if damage == "truncated addition":
        os.truncate(where / added, os.stat(where / added).st_size - 8)
    elif damage == "missing base":
        (where / PACK).unlink()
    else:  # another pack of the same size in its place
        size = os.stat(where / added).st_size
        (where / added).unlink()
        (where / added).write_bytes(b"\xff" * size)
    again, notes = loaded(folder)
    assert not again.cached and len(notes) == 1 and "could not be used" in notes[0] and "\n" not in notes[0]
    assert_as_a_fresh_read(again, folder)
    assert packs_of(the_snapshot()) == [PACK]  # rebuilt whole
    assert loaded(folder)[0].cached


def test_a_manifest_never_names_a_pack_outside_its_snapshot(folder, tmp_path):
    loaded(folder)
    day_file(folder, 1)
    loaded(folder)
    where = the_snapshot()
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"\0" * 64)
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    sizes = meta["pack"]["\0packs"]
    sizes["../../outside.bin"] = 64
    (where / META).write_text(json.dumps(meta), encoding="utf-8")
    again, notes = loaded(folder)
    assert not again.cached and len(notes) == 1 and "could not be used" in notes[0]
    assert outside.read_bytes() == b"\0" * 64


def test_a_linked_pack_is_counted_once_and_clear_deletes_only_papertuis(folder, tmp_path):
    loaded(folder)
    day_file(folder, 1)
    loaded(folder)
    where = the_snapshot()
    # A second snapshot sharing the packs (as while an update publishes, before the prune).
    twin = where.parent / ("0" * 16 + "-" + "1" * 16)
    twin.mkdir()
    for name in os.listdir(where):
        os.link(where / name, twin / name)
    # What papertui did not write: a folder holding another link to the kept pack.
    foreign = where.parent / "mine"
    foreign.mkdir()
    os.link(where / PACK, foreign / "keep.bin")
    unique = {}
    for entry in (where, twin):
        for name in os.listdir(entry):
            state = os.stat(entry / name)
            unique[(state.st_dev, state.st_ino)] = state.st_size
    count, size = cache_size()
    assert count == 2 and size == sum(unique.values())
    content = (foreign / "keep.bin").read_bytes()
    cleared = clear_cache()
    assert cleared.count == 2 and cleared.foreign == 1
    assert sorted(os.listdir(where.parent)) == ["mine"]
    assert (foreign / "keep.bin").read_bytes() == content

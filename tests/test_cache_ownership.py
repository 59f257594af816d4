"""The cache deletes only what papertui wrote and never follows a link.

The cache directory may hold what the user put there (`$PAPERTUI_CACHE_DIR=~` is one typo
away): folders, files, links to big trees elsewhere, even a link named like a snapshot. An
ordinary load (which prunes), `papertui cache` and `papertui cache --clear` leave all of it
alone, never walk or touch what a link points to, and say in one line what they left; the
snapshots papertui wrote are still pruned and cleared as before."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from papertui.cache import snapshot
from papertui.cache.snapshot import META, PACK, snapshots_dir
from papertui.cli import main
from papertui.loading import load_and_index
from papertui.pdfs.store import human_size

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_103f6ea6dde5f7c3.txt"  # 10 papers: a quick load
LONG_AGO = time.time() - 400 * 86400
BIG = 5 << 30  # a sparse file outside: sizing that walks into it reports gigabytes


def papers(tmp_path: Path, name: str) -> Path:
    """A folder of papers of its own: one set of inputs, one snapshot."""
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


def load(folder: Path):
    return list(load_and_index([folder]))[-1]


def ours(root: Path) -> list[Path]:
    """The snapshots papertui wrote: the names it gives them, real directories with its files."""
    return sorted(p for p in root.iterdir() if not p.is_symlink() and p.is_dir() and (p / META).is_file() and (p / PACK).is_file())


def regular_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A tree outside the cache, reached by links from it: never walked, touched or deleted."""
    tree = tmp_path / "elsewhere"
    (tree / "deep").mkdir(parents=True)
    (tree / "sentinel.txt").write_text("still here", encoding="utf-8")
    with open(tree / "deep" / "big.bin", "wb") as file:
        file.truncate(BIG)
    os.utime(tree, (LONG_AGO, LONG_AGO))
    return tree


def plant_foreign(root: Path, outside: Path) -> dict[str, Path]:
    """What a user may keep in the cache directory, all of it older than any snapshot."""
    root.mkdir(parents=True, exist_ok=True)
    planted = {}
    for number in range(10):  # more than the 8 kept loads: pruning by age would reach them
        folder = root / f"my-notes-{number}"
        folder.mkdir()
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
        planted[folder.name] = folder
    lookalike = root / "0123456789abcdef-0123456789abcdef"  # named like a snapshot, but the user's
    lookalike.mkdir()
    (lookalike / "thesis.bib").write_text("@misc{mine}", encoding="utf-8")
    planted[lookalike.name] = lookalike
    piped = root / "fedcba9876543210-fedcba9876543210"  # a snapshot's name and a FIFO for its meta file
    piped.mkdir()
    os.mkfifo(piped / META)
    planted[piped.name] = piped
    (root / "todo.txt").write_text("mine", encoding="utf-8")
    planted["todo.txt"] = root / "todo.txt"
    for name, target in [("papers-link", outside), ("aaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb", outside), (".building-abcdefgh", outside)]:
        (root / name).symlink_to(target, target_is_directory=True)
        planted[name] = root / name
    for path in planted.values():
        os.utime(path, (LONG_AGO, LONG_AGO), follow_symlinks=False)
    return planted


def assert_untouched(planted: dict[str, Path], outside: Path) -> None:
    for name, path in planted.items():
        assert path.is_symlink() or path.exists(), f"{name} was deleted"
        if path.is_symlink():
            assert os.readlink(path) == str(outside)
        elif path.is_dir() and name.startswith("my-notes"):
            assert (path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (planted["0123456789abcdef-0123456789abcdef"] / "thesis.bib").exists()
    assert (outside / "sentinel.txt").read_text(encoding="utf-8") == "still here"
    assert (outside / "deep" / "big.bin").stat().st_size == BIG
    assert outside.stat().st_mtime == pytest.approx(LONG_AGO, abs=1)


def test_a_load_prunes_only_papertuis_old_snapshots(tmp_path, outside, monkeypatch):
    root = snapshots_dir()
    planted = plant_foreign(root, outside)
    first = papers(tmp_path, "first")
    load(first)
    (older,) = ours(root)
    assert_untouched(planted, outside)  # 16 entries older than the new snapshot: none was pruned

    (first / SEED.name).write_text(SEED.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load(first)
    (kept,) = ours(root)
    assert kept != older and not older.exists()  # the snapshot of the same inputs' earlier state went
    assert_untouched(planted, outside)

    # A snapshot written before papertui marked its own: its name, its two files, its meta file.
    legacy = root / "1111111111111111-2222222222222222"
    legacy.mkdir()
    for name in (PACK, META):
        shutil.copy(kept / name, legacy / name)
    os.utime(legacy, (LONG_AGO, LONG_AGO))

    monkeypatch.setattr(snapshot, "KEPT", 1)  # the least recently used of papertui's go first
    second = papers(tmp_path, "second")
    load(second)
    assert not kept.exists() and not legacy.exists() and len(ours(root)) == 1
    assert_untouched(planted, outside)


def test_list_cache_and_clear_leave_what_papertui_did_not_write(tmp_path, outside, capsys):
    root = snapshots_dir()
    planted = plant_foreign(root, outside)
    folder = papers(tmp_path, "papers")
    assert main(["list", "--no-library", "--query", "model", "--format", "links", str(folder)]) == 0
    capsys.readouterr()
    (kept,) = ours(root)
    stale = root / ".building-zz9zz9zz"  # papertui's, left by a process killed while it wrote
    shutil.copytree(kept, stale)
    assert_untouched(planted, outside)

    assert main(["cache"]) == 0
    out = capsys.readouterr().out
    size = regular_bytes(kept) + regular_bytes(stale)
    assert out.splitlines() == [f"{root}: 1 kept load, {human_size(size)}", f"left 16 entries papertui did not write in {root}"]
    assert snapshot.cache_size() == (1, size)  # the 5 GB behind the links were not counted

    assert main(["cache", "--clear"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"cleared {root}: 1 kept load, {human_size(size)}", f"left 16 entries papertui did not write in {root}"]
    assert not kept.exists() and not stale.exists() and root.is_dir()
    assert_untouched(planted, outside)
    assert main(["cache"]) == 0 and capsys.readouterr().out.splitlines()[0] == f"{root}: 0 kept loads, {human_size(0)}"


def test_clear_with_the_cache_directory_pointed_at_home_deletes_only_the_kept_load(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / "corpus").mkdir(parents=True)  # the user's own folder of papers, named as papertui names its own
    (home / "corpus" / "thesis.bib").write_text("@misc{mine}", encoding="utf-8")
    (home / ".bashrc").write_text("# mine", encoding="utf-8")
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(home))
    load(papers(tmp_path, "papers"))
    assert len(ours(home / "corpus")) == 1
    assert main(["cache", "--clear"]) == 0
    assert "left 1 entry papertui did not write" in capsys.readouterr().out
    assert not ours(home / "corpus")
    assert sorted(p.name for p in home.rglob("*")) == [".bashrc", "corpus", "thesis.bib"]


def test_a_link_named_like_this_loads_snapshot_is_neither_read_nor_touched(tmp_path, outside):
    root = snapshots_dir()
    folder = papers(tmp_path, "papers")
    load(folder)
    (kept,) = ours(root)
    elsewhere = outside / "copy"
    shutil.move(kept, elsewhere)  # a whole, valid snapshot — but outside, behind a link
    kept.symlink_to(elsewhere, target_is_directory=True)
    os.utime(elsewhere, (LONG_AGO, LONG_AGO))
    step = load(folder)
    assert not step.cached  # read from the files, not through the link
    assert "did not write" in step.note and "\n" not in step.note
    assert elsewhere.stat().st_mtime == pytest.approx(LONG_AGO, abs=1)  # not marked as used
    assert kept.is_symlink() and (elsewhere / META).is_file() and (elsewhere / PACK).is_file()
    assert main(["cache", "--clear"]) == 0
    assert kept.is_symlink() and (elsewhere / META).is_file()


def finishes(action, seconds: float = 10.0, unstick=lambda: None):
    """`action()` in a thread: its result, or None when it is still waiting after `seconds`
    (then `unstick()` lets it end, so that it writes nothing into the next test's cache)."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(action()), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        unstick()
        thread.join(seconds)
        return None
    return result[0]


def unblock(fifo: Path) -> None:
    """Let a reader stuck opening `fifo` go on."""
    try:
        handle = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return  # no reader waiting
    os.close(handle)


@pytest.mark.parametrize("name", [META, PACK])
def test_a_fifo_in_a_kept_load_is_one_line_not_a_hang(tmp_path, name):
    folder = papers(tmp_path, "papers")
    fresh = load(folder)
    (kept,) = ours(snapshots_dir())
    (kept / name).unlink()
    os.mkfifo(kept / name)
    step = finishes(lambda: list(load_and_index([folder])), unstick=lambda: unblock(kept / name))
    assert step is not None, f"a load waited on the FIFO {name}"
    notes = [s.note for s in step if s.note]
    assert len(notes) == 1 and "could not be used" in notes[0] and "\n" not in notes[0]
    assert len(step[-1].corpus.papers) == len(fresh.corpus.papers)
    assert load(folder).cached  # written again, whole


@pytest.mark.parametrize("kind", ["fifo", "file", "symlink loop"])
def test_a_cache_directory_that_is_not_one_is_one_line(tmp_path, monkeypatch, capsys, kind):
    where = tmp_path / "cache"
    if kind == "fifo":
        os.mkfifo(where)
    elif kind == "file":
        where.write_text("not a directory", encoding="utf-8")
    else:
        where.symlink_to(tmp_path / "other")
        (tmp_path / "other").symlink_to(where)
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(where))
    for argv in (["cache"], ["cache", "--clear"]):
        status = finishes(lambda: main(argv))
        out, err = capsys.readouterr()
        assert status == 1 and not out, argv
        assert err.count("\n") == 1 and str(where) in err and "PAPERTUI_CACHE_DIR" in err, argv
    folder = papers(tmp_path, "papers")
    status = finishes(lambda: main(["list", "--no-library", "--query", "model", "--format", "links", str(folder)]))
    out, err = capsys.readouterr()
    assert status == 0 and out.count("\n") > 0
    assert err.count("\n") == 1 and "could not be cached" in err
    if kind != "symlink loop":
        assert (where.is_fifo() if kind == "fifo" else where.read_text(encoding="utf-8") == "not a directory")

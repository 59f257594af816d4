"""A kept load brought up to date: when files changed, were added or were removed, only those
are read, and the papers, their sources, the file reports and the answers are those a full
read gives (papers merged again may come in another order)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from papertui import bundled_seeds, loading
from papertui.cache import update as update_module
from papertui.cache.snapshot import CACHE_DIR_VARIABLE, META, PACK, snapshots_dir
from papertui.loading import load_and_index

FULL_READ = loading.iter_load
FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUERIES = ["masked thought", "date:>=2024-03", "upvotes:>=10", "reinforcment learn", '"language model"', "has:code", "title:agent", "-llm agent", "zyxwvut", "platypus"]


def loaded(folder: Path):
    steps = list(load_and_index([folder]))
    return [s for s in steps if not s.after_done][-1], steps


def full_read(folder: Path):
    """What reading every file again gives (with an empty cache of its own)."""
    kept = os.environ[CACHE_DIR_VARIABLE]
    os.environ[CACHE_DIR_VARIABLE] = tempfile.mkdtemp(prefix="full-read-")
    try:
        return loaded(folder)[0]
    finally:
        shutil.rmtree(os.environ[CACHE_DIR_VARIABLE], ignore_errors=True)
        os.environ[CACHE_DIR_VARIABLE] = kept


def kept_loads() -> list[Path]:
    return [p for p in snapshots_dir().iterdir() if not p.name.startswith(".")]


def papers_of(step) -> list[str]:
    return sorted(json.dumps(dataclasses.asdict(p), sort_keys=True) for p in step.corpus.papers)


def reports_of(step, counted: set[str] = frozenset()) -> list[tuple]:
    """The file reports; the merge counts only of the files in `counted` (the others keep the
    counts of the read that counted them)."""
    return [
        (r.path, r.format, r.records, r.warnings) + ((r.papers, r.merged) if r.path in counted else ())
        for r in step.corpus.files
    ]


def answers(step) -> dict[str, list[str]]:
    papers = step.corpus.papers
    return {q: sorted(json.dumps(dataclasses.asdict(papers[i]), sort_keys=True) for i in step.index.search(q).rows) for q in QUERIES}


def assert_same_as_a_full_read(updated, folder: Path, read: set[str] = frozenset()) -> None:
    full = full_read(folder)
    assert papers_of(updated) == papers_of(full)
    assert reports_of(updated, read) == reports_of(full, read)
    assert answers(updated) == answers(full)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    for source in [*sorted(bundled_seeds().iterdir()), *sorted(p for p in FIXTURES.iterdir() if p.is_file())]:
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


@pytest.fixture
def reads(corpus, monkeypatch) -> list[str]:
    """`corpus` loaded and kept; then the files an update reads (a full read fails the test)."""
    loaded(corpus)
    read: list[str] = []
    real = update_module.load_file

    def spy(path, *args):
        read.append(Path(path).name)
        return real(path, *args)

    def no_full_read(*args, **kwargs):
        raise AssertionError("every file was read again")

    monkeypatch.setattr(update_module, "load_file", spy)
    monkeypatch.setattr(loading, "iter_load", no_full_read)
    return read


def edit_hf_title(folder: Path) -> str:
    target = folder / "hf-daily-papers-2024-10-25.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data[0]["paper"]["title"] = "Zyxwvut Quokka Papers"
    target.write_text(json.dumps(data), encoding="utf-8")
    return target.name


def add_file(folder: Path) -> str:
    (folder / "extra.txt").write_text("Abstract: Platypus retrieval for the curious reader and friends.\n", encoding="utf-8")
    return "extra.txt"


def add_copy_of_a_seed(folder: Path) -> str:
    """Records that merge into papers of other files."""
    first = sorted(bundled_seeds().iterdir())[1]
    (folder / "zz-again.txt").write_bytes(first.read_bytes().replace(b"Title:", b"Title:  "))
    return "zz-again.txt"


def remove_a_seed(folder: Path) -> str:
    target = sorted(folder.glob("00*.txt"))[2]
    target.unlink()
    return ""


def make_binary(folder: Path) -> str:
    target = sorted(folder.glob("00*.txt"))[0]
    target.write_bytes(b"\x00\x01\x02" * 100)
    return target.name


@pytest.mark.parametrize("change", [edit_hf_title, add_file, add_copy_of_a_seed, remove_a_seed, make_binary])
def test_only_what_changed_is_read_and_the_result_is_a_full_reads(corpus, reads, monkeypatch, change):
    monkeypatch.setattr(update_module, "MOST_CHANGED", 1.0)
    read = change(corpus)
    updated, steps = loaded(corpus)
    assert updated.done and updated.updated and updated.note is None
    assert reads == ([read] if read else [])
    assert "from the cache" in updated.describe()
    monkeypatch.setattr(loading, "iter_load", FULL_READ)
    assert_same_as_a_full_read(updated, corpus, {read})


def test_an_updated_load_is_kept_and_updated_again(corpus, reads, monkeypatch):
    edit_hf_title(corpus)
    first, _ = loaded(corpus)
    assert first.updated and len(first.index.search("zyxwvut quokka").rows) == 1
    again, _ = loaded(corpus)
    assert again.cached and not again.updated  # the update was kept whole
    assert papers_of(again) == papers_of(first) and answers(again) == answers(first)
    add_file(corpus)
    second, _ = loaded(corpus)
    assert second.updated and reads == ["hf-daily-papers-2024-10-25.json", "extra.txt"]
    assert len(kept_loads()) == 1
    monkeypatch.setattr(loading, "iter_load", FULL_READ)
    assert_same_as_a_full_read(second, corpus, {"extra.txt"})


def test_when_most_bytes_changed_everything_is_read(corpus):
    loaded(corpus)
    for path in corpus.iterdir():
        if path.name != "arxiv-snapshot.jsonl":
            path.write_bytes(path.read_bytes() + b"\n")
    again, _ = loaded(corpus)
    assert not again.cached and not again.updated


def test_a_damaged_earlier_load_is_said_once_and_everything_is_read(corpus):
    loaded(corpus)
    (where,) = kept_loads()
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    kind, offset, count = meta["pack"]["keys.paper"]
    with open(where / PACK, "r+b") as file:  # a paper number far out of range
        file.seek(offset)
        file.write(b"\xff\xff\xff\x7f")
    add_file(corpus)
    again, steps = loaded(corpus)
    notes = [s.note for s in steps if s.note]
    assert not again.updated and len(notes) == 1 and "could not be used" in notes[0]
    assert papers_of(again) == papers_of(full_read(corpus))


# Records that share ids, titles and abstracts at random: joins, splits by arXiv id, copies.
IDS = [f"2401.0000{k}" for k in range(5)]
TITLES = [f"A study of quokka behaviour, part {k}" for k in range(5)]
ABSTRACTS = [f"We observe that platypus number {k} swims far more often than was once believed by all." for k in range(5)]


def random_file(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 5)):
        item = {"abstract": rng.choice(ABSTRACTS) if rng.random() < 0.8 else ""}
        if rng.random() < 0.7 or not item["abstract"]:
            item["title"] = rng.choice(TITLES)
        if rng.random() < 0.5:
            item["arxiv_id"] = rng.choice(IDS)
        if rng.random() < 0.3:
            item["upvotes"] = rng.randint(0, 9)
        lines.append(json.dumps(item))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(12))
def test_random_changes_give_what_a_full_read_gives(tmp_path, monkeypatch, seed):
    """Each round changes, removes or adds a file or two and updates the load the round
    before kept (itself an update), then compares with a full read."""
    monkeypatch.setattr(update_module, "MOST_CHANGED", 1.0)
    rng = random.Random(seed)
    folder = tmp_path / "papers"
    folder.mkdir()
    names = [f"f{k}.jsonl" for k in range(5)]
    for name in names:
        (folder / name).write_text(random_file(rng), encoding="utf-8")
    loaded(folder)
    updates = 0
    for _ in range(6):
        for name in rng.sample(names, rng.randint(1, 2)):
            path = folder / name
            if path.exists() and rng.random() < 0.3:
                path.unlink()
            else:
                path.write_text(random_file(rng), encoding="utf-8")
        updated, _ = loaded(folder)
        updates += bool(updated.updated)
        full = full_read(folder)
        assert papers_of(updated) == papers_of(full)
        assert reports_of(updated) == reports_of(full)
        for query in ("quokka", "platypus 3", "part 2", "2401.00001"):
            found = lambda step: sorted(json.dumps(dataclasses.asdict(step.corpus.papers[i]), sort_keys=True) for i in step.index.search(query).rows)  # noqa: E731
            assert found(updated) == found(full), query
    assert updates >= 3


def test_damaged_kept_records_are_said_once_and_everything_is_read(corpus):
    loaded(corpus)
    (where,) = kept_loads()
    meta = json.loads((where / META).read_text(encoding="utf-8"))
    kind, offset, count = meta["pack"]["records.text"]
    assert count > 0  # the seeds have papers in two files
    with open(where / PACK, "r+b") as file:
        file.seek(offset)
        file.write(b"{" * count)
    remove_a_seed(corpus)
    again, steps = loaded(corpus)
    notes = [s.note for s in steps if s.note]
    assert not again.updated and len(notes) == 1 and "could not be brought up to date" in notes[0]
    assert papers_of(again) == papers_of(full_read(corpus))


def test_stats_and_list_read_only_what_changed_too(corpus, reads, monkeypatch, capsys):
    from papertui import cli

    monkeypatch.setattr(loading, "iter_load", FULL_READ_FAILS)  # the CLI loads through `loading.Load` too
    edit_hf_title(corpus)
    assert cli.main(["stats", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert reads == ["hf-daily-papers-2024-10-25.json"] and "hf-daily-papers-2024-10-25.json" in out
    assert cli.main(["list", "--query", "zyxwvut quokka", "--format", "jsonl", str(corpus)]) == 0  # kept by stats
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["title"] == "Zyxwvut Quokka Papers" and reads == ["hf-daily-papers-2024-10-25.json"]


def FULL_READ_FAILS(*args, **kwargs):
    raise AssertionError("every file was read again")


def test_when_most_bytes_are_removed_everything_is_read(corpus):
    loaded(corpus)
    total = sum(path.stat().st_size for path in corpus.iterdir())
    removed = 0
    for path in sorted(corpus.iterdir(), key=lambda path: -path.stat().st_size):
        if removed > total / 2:
            break
        removed += path.stat().st_size
        path.unlink()  # nothing is read again, but most of the papers go
    again, _ = loaded(corpus)
    assert not again.cached and not again.updated

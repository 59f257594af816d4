"""The library's own files, damaged by hand or by a crash, and written by two fetches at once:
one bad line never loses the rest nor fails every later fetch of its period, a FIFO is never
waited on, and `.seen.json` keeps every fetch's papers."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading

import pytest

from papertui.corpus import load_corpus
from papertui.corpus.model import Record
from papertui.sources.library import SEEN_FILE, Library, LibraryError, last_opening, note_opening
from helpers import within_deadline

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
DEADLINE = 10


def record(number: int) -> Record:
    return Record(abstract=f"Abstract {number}.", title=f"Paper number {number}", arxiv_id=f"2401.{number:05d}")


def entry(number: int) -> bytes:
    return json.dumps({"id": f"2401.{number:05d}", "title": f"Paper number {number}", "abstract": f"Abstract {number}.", "first_seen": "2024-01-01T00:00:00Z"}).encode()




def test_bad_lines_are_skipped_by_number_kept_aside_and_every_later_fetch_works(tmp_path):
    library = Library(tmp_path, clock=lambda: "2026-12-06T10:00:00Z")
    path = tmp_path / "hf" / "2024-01-01.jsonl"
    path.parent.mkdir()
    bad = [
        b'{"id": "2401.00002", "title": "Bad \xff byte", "abstract": "b"}',  # line 2
        b"[" * 100_000 + b"]" * 100_000,  # line 3
        b"{not json",  # line 4
        b'"just a string"',  # line 5
        b'{"id": 1' + b"0" * 5000 + b"}",  # line 6: a 5,001-digit number
    ]
    path.write_bytes(b"\n".join([entry(1), *bad, entry(7)]) + b"\n")

    stored = library.store("hf/2024-01-01.jsonl", [record(8)])
    assert stored.total == 3 and stored.new == 1  # papers 1 and 7 kept, 8 added
    whys = ["is not UTF-8", "nests deeper than 16 levels", "is not JSON", "is not an object", "is not JSON"]
    assert list(stored.warnings) == [
        f"{path}: line {number} {why}; left out of the file, kept in .2024-01-01.jsonl.skipped" for number, why in zip(range(2, 7), whys)
    ]
    assert (path.parent / ".2024-01-01.jsonl.skipped").read_bytes() == b"".join(line + b"\n" for line in bad)
    ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert ids == ["2401.00001", "2401.00007", "2401.00008"]

    again = library.store("hf/2024-01-01.jsonl", [record(9)])  # the next fetch of the period
    assert again.total == 4 and again.warnings == ()
    corpus = load_corpus([tmp_path])
    assert len(corpus.papers) == 4 and corpus.warnings == []  # the hidden file is not loaded


def test_a_surrogate_spelt_in_a_line_does_not_stop_the_rewrite(tmp_path):
    library = Library(tmp_path)
    (tmp_path / "a.jsonl").write_text('{"id": "2401.00001", "title": "T \\ud800", "abstract": "x", "tags": {"\\udfff": ["\\ud800"]}}\n')
    stored = library.store("a.jsonl", [record(2)])
    assert stored.total == 2
    assert "T \ufffd" in (tmp_path / "a.jsonl").read_text(encoding="utf-8")


@fifo_only
def test_a_fifo_as_a_period_file_or_as_the_bookkeeping_is_one_line_not_a_hang(tmp_path):
    library = Library(tmp_path)
    os.mkfifo(tmp_path / "a.jsonl")
    kind, error = within_deadline(lambda: library.store("a.jsonl", [record(1)]))
    assert kind == "error" and isinstance(error, LibraryError)
    path = tmp_path / "a.jsonl"
    assert str(error) == f"cannot write the library file {path}: {path} is a named pipe (FIFO), not a file"
    assert (tmp_path / "a.jsonl").is_fifo()  # left as it was

    os.mkfifo(tmp_path / SEEN_FILE)
    kind, error = within_deadline(lambda: library.store("b.jsonl", [record(1)]))
    assert kind == "error" and str(error).endswith(f"{tmp_path / SEEN_FILE} is a named pipe (FIFO), not a file")


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe", b"[" * 100_000, b'{"token": 1' + b"0" * 5000 + b"}", b"[1, 2]", None],
    ids=["not-utf8", "deep", "5000-digits", "a-list", "fifo"],
)
def test_a_damaged_state_file_reads_as_empty(tmp_path, content):
    library = Library(tmp_path)
    if content is None:
        os.mkfifo(tmp_path / "oai.json")
    else:
        (tmp_path / "oai.json").write_bytes(content)
    kind, value = within_deadline(lambda: library.state("oai.json"))
    assert (kind, value) == ("value", {})


@pytest.mark.parametrize(
    "content",
    [b'{"opened": 5}', b'{"opened": "\\u001b[2J"}', b"\xff", b'{"opened": 1' + b"0" * 5000 + b"}", None],
    ids=["a-number", "an-escape", "not-utf8", "5000-digits", "fifo"],
)
def test_a_damaged_opening_file_is_no_opening(tmp_path, content):
    if content is None:
        os.mkfifo(tmp_path / "opened.json")
    else:
        (tmp_path / "opened.json").write_bytes(content)
    assert within_deadline(lambda: last_opening(tmp_path)) == ("value", None)
    if content is not None:
        assert note_opening(tmp_path, "2026-12-06T10:00:00Z") is None
        assert last_opening(tmp_path) == "2026-12-06T10:00:00Z"


def _store_periods(root: str, first: int, count: int, start: multiprocessing.Event) -> None:
    library = Library(__import__("pathlib").Path(root))
    start.wait()
    for number in range(first, first + count):
        library.store(f"p{first}/{number}.jsonl", [record(number)])


def test_two_fetches_of_different_periods_at_once_keep_each_others_first_seen(tmp_path):
    """Two processes store different periods at the same time: `.seen.json` must end with
    every paper of both (with the period's lock alone, one overwrote the other's)."""
    context = multiprocessing.get_context("fork")
    start = context.Event()
    count = 40
    workers = [context.Process(target=_store_periods, args=(str(tmp_path), first, count, start)) for first in (1, 1001)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    seen = json.loads((tmp_path / SEEN_FILE).read_text())
    expected = {f"2401.{n:05d}" for first in (1, 1001) for n in range(first, first + count)}
    assert set(seen) == expected


def test_update_state_keeps_both_of_two_harvests_at_once(tmp_path):
    library = Library(tmp_path)
    barrier = threading.Barrier(8)

    def harvest(name: str) -> None:
        barrier.wait()
        library.update_state("last.json", lambda last: {**last, name: "2026-12-06"})

    threads = [threading.Thread(target=harvest, args=(f"set{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert library.state("last.json") == {f"set{n}": "2026-12-06" for n in range(8)}

"""The arXiv snapshot read fast: by a pool of processes over byte ranges, with orjson; the
same papers, warnings and order as the old reader (line by line, the standard library's json)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from papertui.corpus import arxiv_snapshot, load_corpus, parallel_lines

HEAD = Path(__file__).parent / "fixtures" / "arxiv-metadata-snapshot-head.jsonl"
BENCH = Path(__file__).parent.parent / "bench"


def old_reader(path: Path, monkeypatch) -> tuple[list, list]:
    """The file read as before: line by line, parsed by the standard library."""
    with monkeypatch.context() as patch:
        patch.setattr(parallel_lines, "PARALLEL_FROM", 1 << 62)
        patch.setattr(arxiv_snapshot, "_fast_loads", arxiv_snapshot._standard_loads)
        return read(path)


def new_reader(path: Path, monkeypatch, chunk: int = 4096) -> tuple[list, list]:
    """The file read by the pool, in ranges of `chunk` bytes (small: many ranges, lines across their ends)."""
    with monkeypatch.context() as patch:
        patch.setattr(parallel_lines, "PARALLEL_FROM", 0)
        patch.setattr(parallel_lines, "CHUNK", chunk)
        patch.setattr(parallel_lines, "workers", lambda: 2)
        pooled = []
        real = parallel_lines.read_json_lines

        def counted(*args, **kwargs):
            pooled.append(args[0])
            return real(*args, **kwargs)

        patch.setattr(parallel_lines, "read_json_lines", counted)
        result = read(path)
        assert pooled == [path]  # read by the pool, not line by line
        return result


def read(path: Path) -> tuple[list, list]:
    corpus = load_corpus([path])
    papers = [dataclasses.asdict(paper) for paper in corpus.papers]
    reports = [dataclasses.asdict(report) for report in corpus.files]
    return papers, reports


def test_the_real_head_reads_the_same(monkeypatch):
    old = old_reader(HEAD, monkeypatch)
    assert len(old[0]) == 100
    assert new_reader(HEAD, monkeypatch) == old


def test_a_generated_snapshot_reads_the_same_in_any_ranges(tmp_path, monkeypatch):
    """bench/make_snapshot.py's shape (deterministic): ranges of any size give the same papers
    in the same order as the old reader, and as each other."""
    spec = importlib.util.spec_from_file_location("make_snapshot", BENCH / "make_snapshot.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    monkeypatch.syspath_prepend(str(BENCH))
    spec.loader.exec_module(maker)
    path = tmp_path / "snapshot.jsonl"
    path.write_bytes(maker.write_block(0, 0, 0, 400, 400))
    again = tmp_path / "again.jsonl"
    again.write_bytes(maker.write_block(0, 0, 0, 400, 400))
    assert path.read_bytes() == again.read_bytes()  # the generator is deterministic
    old = old_reader(path, monkeypatch)
    assert len(old[0]) == 400
    assert new_reader(path, monkeypatch, chunk=3000) == old
    assert new_reader(path, monkeypatch, chunk=1 << 20) == old  # one range


def test_damaged_lines_are_skipped_with_their_line_numbers(tmp_path, monkeypatch):
    """Line numbers count across ranges: the problems are said as the old reader said them,
    in the same order, with the characters cleaning removed counted once."""
    good = HEAD.read_text(encoding="utf-8").splitlines()
    lines = [line.encode() for line in good[:60]]
    lines[7] = b'{"id": "0704.0008", "title": "Cut off'  # damaged JSON
    lines[31] = json.dumps({"id": "0704.0032", "title": "Caf\xe9", "abstract": "Windows-1252 text, long enough to count."}).encode("utf-8").replace(b"\\u00e9", b"\xe9")
    lines[44] = b'{"id": "0704.0045", "title": "No abstract here"}'
    lines[50] = json.dumps({"title": "Bell \x07 rings", "abstract": "Escape \x1b[31m red, long enough to count here."}).encode()
    lines[52] = b"[1, 2, 3]"
    path = tmp_path / "damaged.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    old = old_reader(path, monkeypatch)
    new = new_reader(path, monkeypatch, chunk=2000)
    assert new == old
    warnings = new[1][0]["warnings"]
    assert f"{path}: line 8: not valid JSON" in " | ".join(warnings)
    assert f"{path}: line 45: no abstract" in " | ".join(warnings)
    assert f"{path}: line 53: not an object" in " | ".join(warnings)
    assert any("lines are not UTF-8 (the first: line 32)" in w for w in warnings)
    assert any("control characters and escape sequences removed" in w for w in warnings)
    assert len(new[0]) == 58


@pytest.mark.skipif(sys.platform == "win32", reason="sched_getaffinity")
def test_ranges_cut_lines_at_newlines_only(tmp_path):
    """Every line read by exactly one range, whatever the cut: a line longer than a range, a
    range that starts on a newline, a last line without one."""
    lines = [b'{"title": "T%d", "abstract": "%s"}' % (n, b"x" * (n * 37 % 500)) for n in range(40)]
    path = tmp_path / "cut.jsonl"
    path.write_bytes(b"\n".join(lines))  # no newline at the end
    size = path.stat().st_size
    state = path.stat()
    for chunk in (1, 7, 64, 333, size):
        seen = []
        for start in range(0, size, chunk):
            part = parallel_lines.read_range(str(path), start, min(start + chunk, size), (state.st_dev, state.st_ino))
            seen += [item.title for item in part.items if not isinstance(item, tuple)]
        assert seen == [f"T{n}" for n in range(40)], chunk


def test_the_command_line_bar_shows_bytes_and_the_time_left(monkeypatch):
    import io
    import time

    from papertui.terminal_progress import ProgressLine, gigabytes

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    meter = ProgressLine(stream)
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    meter.bar("0/1 files · 250,000 searchable", 1_000_000_000, 5_000_000_000, started=940.0, amount=gigabytes)
    shown = stream.getvalue()
    assert "[####----------------] 1.0 GB/5.0 GB · about 4 min left" in shown and "250,000 searchable" in shown


def test_a_pooled_read_stopped_early_keeps_what_it_read(monkeypatch):
    """Ctrl+C in the app (or quitting) while the pool reads: the load ends at once, with the
    papers read so far and the usual warning; the workers' pending ranges are dropped."""
    import threading

    from papertui.corpus import iter_load

    monkeypatch.setattr(parallel_lines, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel_lines, "CHUNK", 4096)
    monkeypatch.setattr(parallel_lines, "workers", lambda: 2)
    monkeypatch.setattr("papertui.corpus.loader.PROGRESS_EVERY", 1)
    pooled = []
    real = parallel_lines.read_json_lines
    monkeypatch.setattr(parallel_lines, "read_json_lines", lambda *args, **kwargs: pooled.append(1) or real(*args, **kwargs))
    seen: list = []

    def load() -> None:  # in a thread, as the app's loader runs it
        for progress in iter_load([HEAD], stop=lambda: len(progress.corpus.papers) >= 30 if seen else False):
            seen.append(progress)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(60)  # generous: a hang, not a speed, is what this catches
    assert not thread.is_alive()
    last = seen[-1]
    assert pooled and last.stopped and 30 <= last.papers_loaded < 100
    assert "loading stopped after record" in " ".join(last.corpus.files[0].warnings)

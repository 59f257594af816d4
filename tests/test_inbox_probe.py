"""A hostile review of the inbox (issue 29): not interested, the watch list, the palette's
counts and the digest, each test a bug found and fixed (it failed on the code before)."""

from __future__ import annotations

import json
import time

import pytest

from test_digest import morning, run, words_only  # noqa: F401  # fixtures: three days fetched and marked

GROWTH = 8
MAX_RATIO = 20  # linear: about 8; n²: about 64


def _best_seconds(run, argument, tries: int = 3) -> float:
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        run(argument)
        best = min(best, time.perf_counter() - start)
    return best


def _growth(run, small, large) -> float:
    """Time at 8n over time at n (the 8n run tried again only while it looks too slow)."""
    small_time = _best_seconds(run, small)
    ratio = float("inf")
    for _ in range(3):
        ratio = min(ratio, _best_seconds(run, large, tries=1) / small_time)
        if ratio < MAX_RATIO:
            break
    return ratio


# --- the watch list: names as hostile feeds write them --------------------------------------


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
@pytest.mark.parametrize(
    "written", [lambda n: "Ann " + "van " * n + "Smith", lambda n: "Smith, Ann" + " van" * n], ids=["particles", "particles-after-comma"]
)
def test_same_author_is_linear_in_a_run_of_particles(written):
    """Each particle before a family name was inserted at the front of a list: 160k of them
    ("Ann van van … Smith") took 6 s, 80x the time of 20k."""
    from papertui.marks.watch import _parse, same_author

    def run(name):
        _parse.cache_clear()
        assert not same_author("A. Smith", name)  # the particles belong to the family name

    n = 5_000
    ratio = _growth(run, written(n), written(n * GROWTH))
    assert ratio < MAX_RATIO, f"{GROWTH}x the particles took {ratio:.1f}x as long"


# --- papertui digest ------------------------------------------------------------------------


@pytest.fixture
def fetched_morning(capsys, morning, words_only):
    """test_digest's morning (three days fetched, stars, dismissals, a watched author), for you by words."""
    return morning


def test_digest_output_to_a_named_pipe_is_refused_and_the_pipe_stays(capsys, fetched_morning, tmp_path):
    """--output FIFO: the digest was renamed over the pipe (the pipe gone, its reader given
    nothing) and the command said all went well, moving the mark past these papers."""
    import os
    import stat

    from papertui.digest.mark import read_mark

    pipe = tmp_path / "digest.pipe"
    os.mkfifo(pipe)
    code, out, err = run(capsys, "digest", "--output", str(pipe))
    assert code == 1 and err.count("\n") == 1, err
    assert err == f"papertui: error: cannot write the digest to {pipe}: it is a named pipe (FIFO), not a file; nothing was marked as told\n"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert read_mark().last is None  # the next digest lists these papers
    code, out, err = run(capsys, "digest", "--output", str(tmp_path))  # a directory: the same line
    assert code == 1 and err == f"papertui: error: cannot write the digest to {tmp_path}: it is a directory, not a file; nothing was marked as told\n"


def test_watching_from_the_app_never_writes_a_watch_file_too_large_to_read(tmp_path):
    """Names of 100,000 letters (a hostile feed's authors) watched with w, one after another:
    watch.json grew past what is read back (1 MB), and then every author watched from the app
    was left out at the next start."""
    from papertui.marks.watch import WATCH_FILE, WATCH_FILE_LIMIT, WatchError, WatchList, watch_author

    names = [f"Ann {chr(ord('a') + n % 26) * 100_000}{n}" for n in range(WATCH_FILE_LIMIT // 100_000 + 2)]
    watched = []
    with pytest.raises(WatchError, match="would be larger than 1,048,576 bytes: stop watching some authors first"):
        for name in names:
            watch_author(name, tmp_path)
            watched.append(name)
    assert (tmp_path / WATCH_FILE).stat().st_size <= WATCH_FILE_LIMIT
    loaded = WatchList.load(tmp_path / "no-config.toml", tmp_path)
    assert loaded.problems == () and list(loaded.authors) == watched and len(watched) > 8


# --- papertui mark --------------------------------------------------------------------------


def test_mark_prints_a_kept_title_without_its_escape_sequences(capsys, data_dir):
    """`papertui mark ID --dismiss` printed the title the marks file kept for the id as it was:
    an escape sequence there set the terminal's title and cleared the screen."""
    from papertui.marks.store import STATE_FILE

    data_dir.mkdir(parents=True, exist_ok=True)
    hostile = "\x1b]0;pwned\x07[bold]Evil\x1b[2J\r\n title"
    entry = {"title": hostile, "arxiv_id": "2401.00001", "starred": True, "changed": 1.0}
    (data_dir / STATE_FILE).write_text(json.dumps({"version": 1, "papers": {"arxiv:2401.00001": entry}}), encoding="utf-8")
    code, out, err = run(capsys, "mark", "2401.00001", "--dismiss")
    assert code == 0, err
    assert out == "2401.00001: starred dismissed · [bold]Evil title\n"


def test_a_digest_mark_in_the_future_is_said_and_not_kept(tmp_path):
    """A mark written while the clock ran ahead would make every later paper old: it is
    dropped with one line, and a mark of the past is kept as it is."""
    from datetime import datetime, timezone

    from papertui.digest.mark import read_mark, write_mark

    now = datetime(2026, 8, 14, 7, 0, tzinfo=timezone.utc)
    write_mark("2099-01-01T00:00:00Z", {"2401.00001": 3}, tmp_path)
    mark = read_mark(tmp_path, now=now)
    assert mark.last is None and "in the future" in mark.problem and mark.told_versions == {"2401.00001": 3}
    write_mark("2026-08-14T07:30:00Z", {}, tmp_path)  # within the slack of two clocks
    assert read_mark(tmp_path, now=now).last == "2026-08-14T07:30:00Z"
    write_mark("2026-08-13T07:00:00Z", {}, tmp_path)
    mark = read_mark(tmp_path, now=now)
    assert mark.last == "2026-08-13T07:00:00Z" and mark.problem is None

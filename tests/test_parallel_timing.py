"""Under `pytest -n`, the n-vs-8n timing tests run with no other test of the run beside them
(conftest.py's lock): a small suite of this shape is run with two workers, each test noting
when it ran, and no other test's time may overlap a timing test's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("xdist")

SUITE = textwrap.dedent(
    """
    import json, os, time
    from pathlib import Path

    import pytest

    LOG = Path(os.environ["TIMES_LOG"])

    def note(kind):
        start = time.monotonic()
        time.sleep(0.15)
        with LOG.open("a") as log:
            log.write(json.dumps([kind, start, time.monotonic()]) + "\\n")

    @pytest.mark.xdist_group("timing")
    @pytest.mark.parametrize("n", range(3))
    def test_timing(n):
        note("timing")

    @pytest.mark.parametrize("n", range(8))
    def test_other(n):
        note("other")
    """
)


def test_no_test_runs_beside_a_timing_test(tmp_path: Path):
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_suite.py").write_text(SUITE)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --dist loadgroup\n")
    log = tmp_path / "times.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TIMES_LOG": str(log)},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    times = [json.loads(line) for line in log.read_text().splitlines()]
    timing = [(start, end) for kind, start, end in times if kind == "timing"]
    other = [(start, end) for kind, start, end in times if kind == "other"]
    assert len(timing) == 3 and len(other) == 8
    beside = [(t, o) for t in timing for o in other if o[0] < t[1] and t[0] < o[1]]
    assert not beside, f"tests ran beside a timing test: {beside}"

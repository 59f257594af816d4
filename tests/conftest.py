from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

try:
    import fcntl
except ImportError:  # Windows: no flock, the timing tests take their chances beside the others
    fcntl = None

from papertui import bundled_seeds
from papertui.corpus import Corpus, load_corpus
from papertui.sources import runs
from papertui.sources.http import Throttle

# A busy CI machine must not fail a property on time alone: no deadlines, no slowness checks.
settings.register_profile("papertui", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("papertui")

SEED_FILES = {
    "000_103f6ea6dde5f7c3.txt": ("abstract-lines", 10),
    "001_602c7d0816f9df68.txt": ("title-pdf-summary", 50),
    "002_cfc4404bc4ac16ab.txt": ("hf-daily-page", 174),
    "003_88a3d9c88f37e9f2.txt": ("hf-daily-page", 81),
    "004_b89e5043be7b9009.txt": ("abstract-lines", 10),
}
SEED_RECORDS = sum(count for _, count in SEED_FILES.values())  # 325
SEED_PAPERS = 321  # four papers appear in two files each


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its marks in its own directory, never the user's (and apart from
    tmp_path, which tests load papers from: the app writes to the data directory)."""
    directory = tmp_path_factory.mktemp("home") / "data"
    monkeypatch.setenv("PAPERTUI_DATA_DIR", str(directory))
    # and its own cache: a kept load from another test is never what a test means to load
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(directory.parent / "cache"))
    # and never asks the real arXiv: a closed local port, unless a test starts a fake API
    monkeypatch.setenv("PAPERTUI_ARXIV_API", "http://127.0.0.1:9/api/query")
    # nor Semantic Scholar (the app enriches papers it highlights), nor with the user's key
    monkeypatch.setenv("PAPERTUI_S2_API", "http://127.0.0.1:9")
    monkeypatch.delenv("PAPERTUI_S2_API_KEY", raising=False)
    # nor the user's own Zotero library (~/Zotero/zotero.sqlite is read by default)
    monkeypatch.setenv("PAPERTUI_ZOTERO_DIR", str(directory.parent / "no-zotero"))
    monkeypatch.setenv("PAPERTUI_ZOTERO_URL", "http://127.0.0.1:9")  # and never sends to a running Zotero
    # nor Crossref (papertui add DOI)
    monkeypatch.setenv("PAPERTUI_CROSSREF_API", "http://127.0.0.1:9")
    return directory


@pytest.fixture
def fake_arxiv(monkeypatch: pytest.MonkeyPatch):
    from fake_arxiv import FakeArxiv

    server = FakeArxiv()
    monkeypatch.setenv("PAPERTUI_ARXIV_API", server.url)
    yield server
    server.close()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return bundled_seeds()


@pytest.fixture(scope="session")
def seed_corpus(seeds_dir: Path) -> Corpus:
    return load_corpus([seeds_dir], display_root=seeds_dir.parent)


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path (str as UTF-8, bytes as given) and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The pauses between requests run on a fake clock: the rules are checked, not waited for."""
    fake = FakeClock()
    monkeypatch.setattr(runs, "Throttle", lambda interval: Throttle(interval, clock=fake.clock, sleep=fake.sleep))
    return fake


@pytest.fixture
def feeds(monkeypatch, clock):
    """The recorded arXiv and Hugging Face answers on 127.0.0.1, with the fetchers pointed at them."""
    from fake_feeds import FakeFeeds

    server = FakeFeeds()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.close()


# --- under -n: how many workers, and the timing tests alone ------------------------------------


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: two workers a core. Most of the suite's time is waiting (the pilot's pauses,
    servers in threads, child processes): run serially it kept a core 41% busy. Measured on
    2 cores: 2 workers 250 s, 4 workers 137 s, 6 workers 160 s (bench/RESULTS.md)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own answer: that number
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


# The n-vs-8n tests (marked xdist_group("timing"), all on one worker) compare two timings: if
# another worker starts a heavy test between the n run and the 8n run, the 8n run gets half a
# core and a linear pattern looks quadratic (seen: ratios of 21-34 against a bound of 20, where
# alone they are 8-12). So the workers of one run share a lock: the timing tests hold it alone,
# from the first of them to the last, and every other test holds it shared while it runs.


def _in_timing_group(item: pytest.Item) -> bool:
    return any(mark.args[:1] == ("timing",) for mark in item.iter_markers("xdist_group"))


class _RunLock:
    """flock on two files in the run's temporary directory, which its workers share. A timing
    test waiting at the turnstile is not passed by the other worker's next tests."""

    def __init__(self, directory: Path) -> None:
        self.turnstile = open(directory / "timing.turnstile", "a")
        self.lock = open(directory / "timing.lock", "a")
        self.alone = False

    def share(self) -> None:
        fcntl.flock(self.turnstile, fcntl.LOCK_EX)
        fcntl.flock(self.lock, fcntl.LOCK_SH)
        fcntl.flock(self.turnstile, fcntl.LOCK_UN)

    def take_alone(self) -> None:
        if not self.alone:
            fcntl.flock(self.turnstile, fcntl.LOCK_EX)
            fcntl.flock(self.lock, fcntl.LOCK_EX)
            self.alone = True

    def release(self) -> None:
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        if self.alone:
            fcntl.flock(self.turnstile, fcntl.LOCK_UN)
            self.alone = False


_run_lock: _RunLock | None = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    global _run_lock
    if "PYTEST_XDIST_WORKER" not in os.environ or fcntl is None:  # one process: nothing runs beside
        yield
        return
    if _run_lock is None:
        # each worker's base directory is in the one of the run (pytest-xdist makes it so)
        _run_lock = _RunLock(item.config._tmp_path_factory.getbasetemp().parent)
    timing = _in_timing_group(item)
    _run_lock.take_alone() if timing else _run_lock.share()
    try:
        yield
    finally:
        if not (timing and nextitem is not None and _in_timing_group(nextitem)):
            _run_lock.release()

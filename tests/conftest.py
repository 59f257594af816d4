from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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

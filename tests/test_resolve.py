"""Finding missing arXiv ids by title, against a fake arXiv API on 127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest

from fake_arxiv import feed
from helpers import make_paper, settle
from papertui import resolve
from papertui.cli import main, make_app
from papertui.resolve import ArxivSearch, ResolveCache, ResolveError, Resolver, best_match

EXPLAINABLE = "Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"
FUZZING_TYPO = "Active Fuzzing for Testing and Securing Cyber Physical System"  # arXiv: "...Cyber-Physical Systems"
SHORT = "Testing Deep Learning Models"  # arXiv has a much longer title: not the same paper
CORPUS = "".join(
    f"Title: {title}\nSummary: An abstract of the paper called {title}, long enough.\n---\n"
    for title in (EXPLAINABLE, FUZZING_TYPO, SHORT)
)


def words(title: str) -> str:
    return " ".join(title.replace("-", " ").split())


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """The 3 s between requests is tested on its own, with a fake clock."""
    monkeypatch.setattr(resolve, "REQUEST_INTERVAL", 0.0)
    monkeypatch.setattr(resolve, "RETRIES", 0)  # retries and Retry-After are the fetch client's tests


@pytest.fixture
def library(write):
    return write("library.txt", CORPUS)


@pytest.fixture
def recorded(fake_arxiv):
    fake_arxiv.answer(words(EXPLAINABLE), feed("2405.13786"))
    fake_arxiv.answer(words(FUZZING_TYPO), feed("2005.14124", "2202.12139"))
    fake_arxiv.answer(words(SHORT), feed("2202.12139"))
    return fake_arxiv


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_confident_matches_only():
    candidates = [("2202.12139", "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques")]
    assert best_match("testing deep-learning models: a first comparative study of multiple testing techniques", candidates)[0] == "2202.12139"
    assert best_match("Testing Deep Learning Models: A First Comparative Study of Multiple Testing Technique", candidates)[0] == "2202.12139"
    arxiv_id, closest, similarity = best_match("Testing Deep Learning Models", candidates)
    assert arxiv_id is None and closest == candidates[0][1] and similarity < resolve.CONFIDENT_SIMILARITY
    assert best_match("Anything", []) == (None, None, 0.0)


def test_resolve_end_to_end(capsys, library, recorded, data_dir):
    code, out, err = run(capsys, "resolve", str(library))
    assert code == 0
    assert out.splitlines() == [
        f"[1/3] found 2405.13786 (same title): {EXPLAINABLE}",
        "[2/3] found 2005.14124 (99% alike): Active Fuzzing for Testing and Securing Cyber-Physical Systems",
        "[3/3] no confident match; closest: “Testing Deep Learning Models: A First Comparative Study of Multiple "
        f"Testing Techniques”, 50% alike: {SHORT}",
    ]
    assert "3 papers listed without an arXiv id: 0 found before, 0 with no confident match before, 3 to ask now" in err
    assert "asked 3: 2 found, 1 with no confident match; 2 papers now have an id found by title" in err
    assert len(recorded.asked) == 3
    # Every answer is cached, the miss too.
    cached = json.loads((data_dir / "resolved.json").read_text())["titles"]
    assert sorted(entry["id"] or "-" for entry in cached.values()) == ["-", "2005.14124", "2405.13786"]
    # From then on the ids are used by list, export and links, and nothing is asked again.
    code, out, _ = run(capsys, "list", "-q", "has:id", "-f", "links", str(library))
    assert out.splitlines() == ["https://arxiv.org/abs/2405.13786", "https://arxiv.org/abs/2005.14124"]
    _, out, _ = run(capsys, "list", "-f", "json", str(library))
    assert [p["id_resolved_from"] for p in json.loads(out)][:2] == [EXPLAINABLE, "Active Fuzzing for Testing and Securing Cyber-Physical Systems"]
    code, out, err = run(capsys, "resolve", str(library))
    assert code == 0 and out == ""
    assert "3 papers listed without an arXiv id: 2 found before, 1 with no confident match before, 0 to ask now" in err
    assert len(recorded.asked) == 3


def test_no_network_is_one_line_and_nothing_is_lost(capsys, library, data_dir):
    code, out, err = run(capsys, "resolve", str(library))  # the API address is a closed local port
    assert code == 1 and out == ""
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [
        "papertui: error: cannot reach the arXiv API at 127.0.0.1:9 ([Errno 111] Connection refused); "
        "nothing else was asked, the answers so far are kept"
    ]
    assert not (data_dir / "resolved.json").exists()  # a failure is not an answer
    code, out, _ = run(capsys, "list", str(library))
    assert code == 0 and len(out.splitlines()) == 3


def test_a_503_stops_the_run_and_is_asked_again_later(capsys, library, recorded):
    recorded.answer(words(FUZZING_TYPO), b"Service Unavailable", status=503)
    code, out, err = run(capsys, "resolve", str(library))
    assert code == 1
    assert out.splitlines() == [f"[1/3] found 2405.13786 (same title): {EXPLAINABLE}"]
    assert "the arXiv API answered HTTP 503 Service Unavailable; try again later" in err
    assert len(recorded.asked) == 2  # the third title was not asked
    recorded.answer(words(FUZZING_TYPO), feed("2005.14124"))
    code, out, err = run(capsys, "resolve", str(library))
    assert code == 0 and "1 found before, 0 with no confident match before, 2 to ask now" in err
    assert out.splitlines()[0].startswith("[1/2] found 2005.14124")


def test_a_malformed_answer_skips_that_title_only(capsys, library, recorded):
    recorded.answer(words(EXPLAINABLE), b"<html><body>Rate exceeded.</body></html>")
    recorded.answer(words(FUZZING_TYPO), feed("2005.14124")[:-200])  # cut short
    code, out, err = run(capsys, "resolve", str(library))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"[1/3] skipped (the arXiv API's answer could not be read: the answer is not an Atom feed): {EXPLAINABLE}"
    assert lines[1].startswith("[2/3] skipped (the arXiv API's answer could not be read: the XML is broken at line")
    assert lines[2].startswith("[3/3] no confident match")
    assert "2 unreadable answers" in err
    cache = ResolveCache.open()
    assert cache.get(EXPLAINABLE) is None and cache.get(SHORT) is not None  # unreadable: not cached


def test_one_request_every_three_seconds(monkeypatch, fake_arxiv):
    monkeypatch.undo()  # the real interval, with a fake clock
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    search = ArxivSearch(fake_arxiv.url, clock=lambda: now[0], sleep=sleep)
    assert search.interval == 3.0
    search.search_title("first title here")
    now[0] += 1.0  # one second of the user's time
    search.search_title("second title here")
    search.search_title("third title here")
    assert sleeps == [pytest.approx(2.0), pytest.approx(3.0)]
    assert len(fake_arxiv.asked) == 3


def test_cached_answers_are_not_asked_again(fake_arxiv, data_dir):
    fake_arxiv.answer(words(EXPLAINABLE), feed("2405.13786"))
    resolver = Resolver(ResolveCache.open())
    first, second = make_paper(EXPLAINABLE), make_paper(EXPLAINABLE.upper() + "!")
    assert resolver.resolve(first).answer.arxiv_id == "2405.13786"
    outcome = resolver.resolve(second)  # the same title, spelt otherwise: the cache answers
    assert outcome.cached and second.arxiv_id == "2405.13786" and second.resolved_from == EXPLAINABLE
    assert len(fake_arxiv.asked) == 1
    assert resolver.cache.save() is None
    assert ResolveCache.open().get(EXPLAINABLE).arxiv_id == "2405.13786"


def test_a_damaged_cache_is_moved_aside(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "resolved.json").write_text("{not json")
    cache = ResolveCache.open()
    assert cache.answers == {} and "is damaged" in cache.warnings[0]
    assert [p.name.startswith("resolved.json.damaged-") for p in data_dir.iterdir()] == [True]


def test_an_unwritable_cache_is_reported_not_raised(data_dir, monkeypatch):
    cache = ResolveCache.open()
    cache.put(EXPLAINABLE, resolve.Answer("2405.13786", EXPLAINABLE, 100.0, "now"))

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(resolve, "write_atomically", full)
    assert cache.save() == f"cannot save the resolver's cache to {data_dir / 'resolved.json'}: No space left on device"


# --- in the app ---------------------------------------------------------------------------


async def test_the_i_key_finds_the_id_and_everything_uses_it(library, recorded):
    app = make_app([library])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = app.current_paper
        assert paper.title == EXPLAINABLE and paper.arxiv_id is None
        await pilot.press("tab")  # to the list
        await pilot.press("i")
        await settle(pilot)
        assert paper.arxiv_id == "2405.13786" and paper.resolved_from == EXPLAINABLE
        messages = [n.message for n in app._notifications]
        assert f"found 2405.13786 (same title): {EXPLAINABLE}" in messages
        detail = app.detail.text
        assert "2405.13786" in detail and "found by title search" in detail
        app.filter_bar.value = "has:id"
        await settle(pilot)
        assert [app.corpus.papers[i].title for i in app.paper_list.rows] == [EXPLAINABLE]
    # The next start uses the cached id from the beginning, without asking.
    app = make_app([library], query="has:id")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [app.corpus.papers[i].arxiv_id for i in app.paper_list.rows] == ["2405.13786"]
    assert len(recorded.asked) == 1


async def test_cached_ids_count_even_when_the_first_filter_ran_before_they_were_applied(library, recorded, monkeypatch):
    """A filter started while the load finishes may run on the whole index before the cached
    ids are applied; the ids must still reach `has:id` once they are."""
    app = make_app([library])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "i")
        await settle(pilot)
    real_apply = resolve.apply_cached

    def late_apply(papers, cache):
        time.sleep(0.3)  # the filter started by the previous step lands first
        return real_apply(papers, cache)

    monkeypatch.setattr(resolve, "apply_cached", late_apply)  # the loader imports it when it runs
    app = make_app([library], query="has:id")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [app.corpus.papers[i].arxiv_id for i in app.paper_list.rows] == ["2405.13786"]


async def test_the_i_key_without_network_says_so_in_one_line(library):
    app = make_app([library])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "i")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == [
            "cannot reach the arXiv API at 127.0.0.1:9 ([Errno 111] Connection refused). Everything else works as before."
        ]
        await pilot.press("y")  # copying still works, with the search link
        assert app.current_paper.arxiv_id is None

"""Citations from Semantic Scholar: the client against real recorded answers replayed on
127.0.0.1 (tests/fake_s2.py), the answers read defensively, the store, enrich and
`papertui enrich`. Nothing here touches the network."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_s2 import FIXTURES, PAPER, RECORDED_BATCH_IDS, FakeS2, Reply, arxiv_papers, recorded
from papertui.cli import main
from papertui.corpus.text import clean, strip_controls
from papertui.sources.citations import answers
from papertui.sources.citations.answers import AnswerError
from papertui.sources.citations.client import BATCH_FIELDS, INTERVAL, SemanticScholar, api_key, from_settings
from papertui.sources.citations.enrich import enrich
from papertui.sources.citations.model import Citations, GraphPaper, citation_key, paper_key
from papertui.sources.citations.store import STORE_FILE, CitationStore, StoreError
from papertui.sources.http import FetchError, Throttle
from papertui.storage.files import data_dir

FETCHED = "2026-12-01T10:00:00Z"
NOW = datetime(2026, 12, 3, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_real_service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never the real service nor the user's key or config: a closed local port unless a test
    starts the fake."""
    monkeypatch.setenv("PAPERTUI_S2_API", "http://127.0.0.1:9")
    monkeypatch.delenv("PAPERTUI_S2_API_KEY", raising=False)
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    server = FakeS2()
    monkeypatch.setenv("PAPERTUI_S2_API", server.url)
    yield server
    server.close()


class FakeTime:
    """A clock that moves only when slept on: the throttle's and the back-off's waits are
    recorded instead of waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client_for(fake: FakeS2, timing: FakeTime | None = None, **options) -> SemanticScholar:
    timing = timing or FakeTime()
    return SemanticScholar(base=fake.url, throttle=Throttle(INTERVAL, timing.clock, timing.sleep), clock=lambda: FETCHED, **options)


def expected(paper: dict) -> Citations:
    """What the recorded paper object says, field by field, written out independently of the parser."""
    tldr = paper.get("tldr")
    return Citations(
        fetched=FETCHED,
        s2_id=paper["paperId"],
        citation_count=paper["citationCount"],
        influential_citation_count=paper["influentialCitationCount"],
        reference_count=paper["referenceCount"],
        tldr=clean(tldr["text"]) if tldr else None,
        venue=clean(paper["venue"]) or None,
        journal=clean((paper["journal"] or {}).get("name") or "") or None,
        year=paper["year"],
        publication_date=paper["publicationDate"],
        doi=paper["externalIds"].get("DOI"),
        open_access_pdf=(paper["openAccessPdf"] or {}).get("url"),
        fields_of_study=tuple(paper["fieldsOfStudy"] or ()),
    )


def write_corpus(path: Path, papers: list[dict]) -> Path:
    """A JSON-lines corpus of these recorded papers, by their arXiv ids."""
    lines = [
        json.dumps({"id": p["externalIds"]["ArXiv"], "title": p["title"], "abstract": p["abstract"] or p["title"]})
        for p in papers
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the client against the recorded answers ----------------------------------------------


def test_a_batch_is_read_field_by_field_as_the_recorded_papers_say(fake: FakeS2) -> None:
    papers = arxiv_papers()[:65]
    ids = [f"ARXIV:{p['externalIds']['ArXiv']}" for p in papers] + ["DOI:10.1093/mind/lix.236.433"]
    answered = client_for(fake).batch(ids)
    assert [a.citations for a in answered] == [expected(p) for p in [*papers, PAPER]]
    turing = answered[-1].citations
    assert (turing.citation_count, turing.influential_citation_count, turing.year, turing.journal) == (10059, 530, 1950, "Mind")
    assert turing.tldr == PAPER["tldr"]["text"]
    assert answered[0].paper.title == clean(papers[0]["title"]) and answered[0].paper.authors == tuple(a["name"] for a in papers[0]["authors"])
    (request,) = fake.seen
    assert (request.method, request.path, request.query["fields"]) == ("POST", "/graph/v1/paper/batch", BATCH_FIELDS)
    assert request.body == {"ids": ids}


def test_the_recorded_batch_answer_is_read() -> None:
    status, body = recorded("test_get_papers-1")
    answered = answers.batch_answer(body, len(RECORDED_BATCH_IDS), FETCHED)
    raw = json.loads(body)
    assert status == 200 and [a.citations.s2_id for a in answered] == [p["paperId"] for p in raw]
    assert [a.paper.authors for a in answered] == [tuple(x["name"] for x in p["authors"]) for p in raw]
    assert all(a.citations.citation_count is None for a in answered)  # only authors were asked


def test_the_fake_serves_the_recorded_batch_for_its_ids(fake: FakeS2) -> None:
    answered = client_for(fake).batch(RECORDED_BATCH_IDS)
    assert [a.citations.s2_id for a in answered] == [p["paperId"] for p in json.loads(recorded("test_get_papers-1")[1])]


def test_null_entries_of_a_batch_are_papers_not_found(fake: FakeS2) -> None:
    known = f"ARXIV:{arxiv_papers()[0]['externalIds']['ArXiv']}"
    answered = client_for(fake).batch(["ARXIV:2501.00001", known, "DOI:10.9999/nothing"])
    assert [a.citations.found for a in answered] == [False, True, False]
    assert answered[0].paper is None and answered[0].citations == Citations(fetched=FETCHED, found=False)


def test_an_item_neither_null_nor_an_object_is_unreadable() -> None:
    answered = answers.batch_answer(b'[null, 5, "x", {"citationCount": 3}]', 4, FETCHED)
    assert answered[0].citations.found is False
    assert answered[1] is None and answered[2] is None
    assert answered[3].citations.citation_count == 3


@pytest.mark.parametrize(
    "body",
    [b"{}", b'[null]', b'[null, null, null]', b"not json", b"\xff\xfe", b'{"data": []}', b"[" * 100_000],
)
def test_a_batch_answer_of_another_shape_is_one_error(body: bytes) -> None:
    with pytest.raises(AnswerError) as caught:
        answers.batch_answer(body, 2, FETCHED)
    assert "\n" not in str(caught.value)


def test_nulls_in_every_field_are_unknown(fake: FakeS2) -> None:
    nulls = json.loads((FIXTURES / "PaperWithNullValues.json").read_text())
    assert answers.citations_of(nulls, FETCHED) == Citations(fetched=FETCHED, s2_id=nulls["paperId"])
    every_field_null = {key: None for key in PAPER}
    fake.papers["ARXIV:2401.00001"] = every_field_null
    fake.papers["ARXIV:2401.00002"] = nulls
    answered = client_for(fake).batch(["ARXIV:2401.00001", "ARXIV:2401.00002"])
    assert answered[0].citations == Citations(fetched=FETCHED)
    assert answered[1].citations == Citations(fetched=FETCHED, s2_id=nulls["paperId"])
    assert answered[0].paper == GraphPaper(s2_id=None, title=None)


def test_wrong_types_absurd_numbers_and_controls_are_unknown_or_cleaned() -> None:
    paper = {
        "paperId": "<script>",
        "citationCount": 10**30,
        "influentialCitationCount": True,
        "referenceCount": -3,
        "tldr": {"model": "x", "text": "Short \x1b[31mred\x1b[0m\n summary\u202e"},
        "venue": ["NeurIPS"],
        "journal": "Mind",
        "year": "1950",
        "publicationDate": "1950-13-45",
        "externalIds": {"DOI": "not a doi", "ArXiv": 2405.19561},
        "openAccessPdf": {"url": "javascript:alert(1)"},
        "fieldsOfStudy": ["Physics", 3, None, "Physics", "\x07Biology"],
    }
    assert answers.citations_of(paper, FETCHED) == Citations(
        fetched=FETCHED, tldr="Short red summary", fields_of_study=("Physics", "Biology")
    )
    assert answers.citations_of([1, 2], FETCHED) == Citations(fetched=FETCHED)
    dates = ["2024-13-01", "2024-00", "0999-01-01", "2024-02-30x", "2024-06", "2024", "2024-06-01T10:00:00Z"]
    assert [answers.date(d) for d in dates] == [None, None, None, None, "2024-06", "2024", "2024-06-01"]
    assert answers.graph_paper("a string") is None


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@given(st.fixed_dictionaries({key: _json for key in PAPER}) | st.dictionaries(st.sampled_from(list(PAPER)), _json))
def test_any_json_in_any_field_never_raises_and_shows_no_controls(paper: dict) -> None:
    citations = answers.citations_of(paper, FETCHED)
    graph = answers.graph_paper(paper)
    for value in [*vars_of(citations), *vars_of(graph)]:
        if isinstance(value, str):
            assert strip_controls(value) == value and "\n" not in value


def vars_of(thing: object) -> list[object]:
    values = [getattr(thing, name) for name in thing.__slots__]  # type: ignore[attr-defined]
    return [v for value in values for v in (value if isinstance(value, tuple) else (value,))]


def test_pages_of_citations_follow_next(fake: FakeS2) -> None:
    pages = list(client_for(fake).walk("10.2139/ssrn.2250500", "citations", most=300))
    recorded_pages = [json.loads(recorded(f"test_get_paper_citations_async-{n}")[1]) for n in (1, 2, 3)]
    assert [page.offset for page in pages] == [0, 100, 200]
    assert [page.next_offset for page in pages] == [r["next"] for r in recorded_pages]
    assert [p.s2_id for page in pages for p in page.papers] == [i["citingPaper"]["paperId"] for r in recorded_pages for i in r["data"]]
    titles = [clean(i["citingPaper"]["title"]) for r in recorded_pages for i in r["data"]]  # a no-break space is a space
    assert [p.title for page in pages for p in page.papers] == titles
    assert [(s.path, s.query["offset"], s.query["limit"]) for s in fake.seen] == [
        ("/graph/v1/paper/10.2139/ssrn.2250500/citations", str(offset), "100") for offset in (0, 100, 200)
    ]


def test_references_end_where_the_last_page_has_no_next(fake: FakeS2) -> None:
    pages = list(client_for(fake).walk("10.2139/ssrn.2250500", "references", page_size=50))
    assert [len(page.papers) for page in pages] == [50, 17] and pages[-1].next_offset is None
    unresolved = [p for page in pages for p in page.papers if p.s2_id is None]
    assert len(unresolved) == 23 and all(p.title and p.key is None for p in unresolved)


def test_a_page_whose_next_does_not_move_on_ends_the_walk() -> None:
    papers, following = answers.graph_page(b'{"offset": 100, "next": 100, "data": [{"citingPaper": {"title": "A"}}]}', "citingPaper")
    assert following is None and [p.title for p in papers] == ["A"]
    papers, following = answers.graph_page(b'{"offset": 0, "next": 100, "data": [7, {"citingPaper": null}]}', "citingPaper")
    assert papers == [] and following == 100


def test_recommendations_are_the_recorded_ones(fake: FakeS2) -> None:
    found = client_for(fake).recommend(["10.1145/3544585.3544600"], ["10.1145/301250.301271"])
    recorded_papers = json.loads(recorded("test_get_recommended_papers_from_lists-1")[1])["recommendedPapers"]
    assert [(p.s2_id, p.title) for p in found] == [(r["paperId"], r["title"]) for r in recorded_papers]
    assert fake.seen[0].body == {"positivePaperIds": ["10.1145/3544585.3544600"], "negativePaperIds": ["10.1145/301250.301271"]}


@pytest.mark.parametrize("paper_id, direction", [("0", "citations"), ("ARXIV:2401.99999", "references")])
def test_a_paper_the_service_does_not_know_is_one_line(fake: FakeS2, paper_id: str, direction: str) -> None:
    with pytest.raises(FetchError, match=r"^Semantic Scholar answered HTTP 404 Not Found$"):
        client_for(fake).page(paper_id, direction)


def test_a_graph_paper_becomes_a_corpus_record() -> None:
    paper = answers.graph_paper(arxiv_papers()[0])
    record = paper.to_record()
    assert (record.arxiv_id, record.title, record.authors) == (paper.arxiv_id, paper.title, paper.authors)
    assert record.published == paper.publication_date and record.abstract == paper.abstract
    assert f"https://www.semanticscholar.org/paper/{paper.s2_id}" in record.links
    assert GraphPaper(s2_id=None, title=None, doi="10.1/x").to_record().links == ("https://doi.org/10.1/x",)


# --- politeness ----------------------------------------------------------------------------


def test_requests_are_a_second_apart_one_at_a_time(fake: FakeS2) -> None:
    timing = FakeTime()
    client = client_for(fake, timing)
    client.batch(["ARXIV:2501.00001"])
    client.batch(["ARXIV:2501.00002"])
    list(client.walk("10.2139/ssrn.2250500", "references", page_size=50))
    assert timing.slept == [INTERVAL] * 3 and INTERVAL >= 1.0


def test_429_waits_as_retry_after_says_then_asks_again(fake: FakeS2) -> None:
    timing = FakeTime()
    fake.script = [Reply(429, b'{"message": "Too Many Requests.", "code": "429"}', {"Retry-After": "7"})]
    answered = client_for(fake, timing).batch(["ARXIV:2501.00001"])
    assert answered[0].citations.found is False and len(fake.seen) == 2
    assert 7.0 in timing.slept


def test_429_without_retry_after_backs_off_exponentially(fake: FakeS2) -> None:
    timing = FakeTime()
    fake.script = [Reply(429, b"{}"), Reply(429, b"{}"), Reply(429, b"{}")]
    client_for(fake, timing).batch(["ARXIV:2501.00001"])
    assert timing.slept == [2.0, 4.0, 8.0] and len(fake.seen) == 4


def test_429_for_ever_stops_with_one_line(fake: FakeS2) -> None:
    fake.script = [Reply(429, b"{}", {"Retry-After": "1"})] * 10
    with pytest.raises(FetchError) as caught:
        client_for(fake).batch(["ARXIV:2501.00001"])
    assert "\n" not in str(caught.value) and "429" in str(caught.value) and len(fake.seen) == 4


def test_a_5xx_is_one_line(fake: FakeS2) -> None:
    fake.script = [Reply(500, b'{"message": "Internal Server Error"}')]
    with pytest.raises(FetchError, match=r"^Semantic Scholar answered HTTP 500 Internal Server Error$"):
        client_for(fake).batch(["ARXIV:2501.00001"])


def test_a_body_cut_short_is_asked_again(fake: FakeS2) -> None:
    fake.script = [Reply(200, b'[{"paperId": null, "citationCount": 5}]', cut=True)]
    answered = client_for(fake).batch(["ARXIV:2501.00001"])
    assert len(fake.seen) == 2 and answered[0].citations.found is False


def test_a_body_always_cut_short_is_one_line(fake: FakeS2) -> None:
    fake.script = [Reply(200, b'[{"citationCount": 5}]' * 10, cut=True)] * 4
    with pytest.raises(FetchError, match="cut its answer short"):
        client_for(fake).batch(["ARXIV:2501.00001"])


def test_a_service_that_stalls_is_given_up_on_at_the_timeout(fake: FakeS2) -> None:
    fake.script = [Reply(200, b"[null]", stall=3.0)]
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        client_for(fake, timeout=0.3).batch(["ARXIV:2501.00001"])
    assert time.monotonic() - started < 2.5 and "\n" not in str(caught.value)


def test_the_api_key_is_sent_as_x_api_key(fake: FakeS2, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    client_for(fake).batch(["ARXIV:2501.00001"])
    monkeypatch.setenv("PAPERTUI_S2_API_KEY", "from-the-environment")
    from_settings()[0].batch(["ARXIV:2501.00001"])
    monkeypatch.delenv("PAPERTUI_S2_API_KEY")
    config = tmp_path / "config.toml"
    config.write_text('[semantic_scholar]\napi_key = "from-the-config"\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    from_settings()[0].batch(["ARXIV:2501.00001"])
    assert [seen.headers.get("x-api-key") for seen in fake.seen] == [None, "from-the-environment", "from-the-config"]


@pytest.mark.parametrize("key", ["two words", "line\nbreak", 12345, "\x1b[2J"])
def test_a_key_that_cannot_be_a_header_is_said_and_not_sent(key: object) -> None:
    found, problem = api_key({"semantic_scholar": {"api_key": key}})
    assert found is None and problem and "\n" not in problem


# --- the store -----------------------------------------------------------------------------


def full_citations() -> Citations:
    return answers.citations_of(PAPER, FETCHED)


def test_the_store_keeps_what_was_put_across_openings() -> None:
    store = CitationStore.open()
    store.put("1706.03762", full_citations())
    store.put("doi:10.1/x", Citations(fetched=FETCHED, found=False))
    store.save()
    again = CitationStore.open()
    assert again.get("1706.03762") == full_citations()
    assert again.get("doi:10.1/x") == Citations(fetched=FETCHED, found=False)
    assert again.get("2401.00001") is None and again.warnings == []
    assert len((data_dir() / STORE_FILE).read_text().splitlines()) == 4  # a line a paper


def test_numbers_for_many_papers_agree_with_get() -> None:
    store = CitationStore(None)
    store.put("a", full_citations())
    store.put("b", Citations(fetched=FETCHED, found=False))
    store.put("c", Citations(fetched=FETCHED, citation_count=0, year=2024))
    keys = ["a", "b", "c", "never asked", None]
    for name in ("citation_count", "influential_citation_count", "reference_count", "year"):
        assert store.numbers(name, keys) == [getattr(store.get(k), name, None) for k in keys]
    assert store.numbers("citation_count", keys) == [10059, None, 0, None, None]
    with pytest.raises(ValueError):
        store.numbers("tldr", keys)


def test_stale_after_a_week_and_for_what_was_never_asked() -> None:
    store = CitationStore(None)
    store.put("a", Citations(fetched=FETCHED))
    fetched = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    assert not store.stale("a", fetched + timedelta(days=6, hours=23))
    assert store.stale("a", fetched + timedelta(days=7, seconds=1))
    assert store.stale("a", fetched - timedelta(days=2))  # fetched "in the future": a wrong clock
    assert store.stale("never asked", fetched)


def test_two_stores_saving_keep_each_others_answers() -> None:
    first, second = CitationStore.open(), CitationStore.open()
    first.put("a", Citations(fetched=FETCHED, citation_count=1))
    second.put("b", Citations(fetched=FETCHED, citation_count=2))
    first.save()
    second.save()
    assert {k: CitationStore.open().get(k).citation_count for k in "ab"} == {"a": 1, "b": 2}


def test_a_hand_edited_entry_reads_as_unknown_fields() -> None:
    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = {
        "a": [FETCHED, True, "zz", "many", 3, None, 5, ["venue"], None, 1e9, "yesterday", None, "file:///etc/passwd", "Physics"],
        "b": "not a list",
        "c": ["not a time", True, None, 4],
        "d": [FETCHED, "yes", None, "\ud800"],
    }
    path.write_text(json.dumps({"version": 1, "papers": entries}))
    store = CitationStore.open()
    assert store.warnings == []
    assert store.get("a") == Citations(fetched=FETCHED, influential_citation_count=3)
    assert store.get("b") is None and store.get("c") is None and store.stale("c")
    assert store.get("d") == Citations(fetched=FETCHED)
    store.put("e", Citations(fetched=FETCHED))
    store.save()  # written back as read, lone surrogate and all
    assert CitationStore.open().get("a") == store.get("a")


@pytest.mark.parametrize("content", [b"{not json", b'{"version": 1}', b"\xff\xfe\x00", b"[]", b'{"version": "one", "papers": {}}'])
def test_a_damaged_store_is_moved_aside_with_one_line(content: bytes) -> None:
    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    store = CitationStore.open()
    (warning,) = store.warnings
    assert "moved aside" in warning and "\n" not in warning and len(store) == 0
    (aside,) = path.parent.glob(f"{STORE_FILE}.damaged-*")
    assert aside.read_bytes() == content
    store.put("a", Citations(fetched=FETCHED))
    store.save()
    assert CitationStore.open().get("a") == Citations(fetched=FETCHED)


def test_a_fifo_in_place_of_the_store_does_not_hang() -> None:
    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    opened: list[CitationStore] = []
    reader = threading.Thread(target=lambda: opened.append(CitationStore.open()), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # blocked opening the pipe: give it a writer, so that it ends
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("opening the store waited on a named pipe")
    (store,) = opened
    (warning,) = store.warnings
    assert "not a regular file" in warning and len(store) == 0


def test_a_store_from_a_newer_papertui_is_neither_used_nor_written() -> None:
    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 99, "papers": {"a": ["2026-01-01T00:00:00Z"]}}')
    store = CitationStore.open()
    assert len(store) == 0 and "newer papertui" in store.warnings[0]
    store.put("b", Citations(fetched=FETCHED))
    store.save()
    assert json.loads(path.read_text())["version"] == 99


def test_a_store_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    store = CitationStore.open(directory)
    store.put("a", Citations(fetched=FETCHED))
    directory.write_text("a file where the data directory should be")  # fails as root too
    with pytest.raises(StoreError) as caught:
        store.save()
    assert str(caught.value).startswith("cannot save citations to") and "\n" not in str(caught.value)
    assert store.pending == 1


def test_keys_are_arxiv_ids_or_lower_case_dois() -> None:
    from helpers import make_paper

    assert citation_key("2406.16845", "10.1/X") == "2406.16845"
    assert citation_key(None, "10.1093/MIND/LIX.236.433") == "doi:10.1093/mind/lix.236.433"
    assert paper_key(make_paper("A", links=("https://example.org", "https://doi.org/10.1234/ABC"))) == "doi:10.1234/abc"
    assert paper_key(make_paper("B")) is None


# --- enrich --------------------------------------------------------------------------------


def test_enrich_asks_only_for_what_is_missing_or_a_week_old(fake: FakeS2) -> None:
    keys = [p["externalIds"]["ArXiv"] for p in arxiv_papers()[:10]] + ["2501.00001"]
    store = CitationStore.open()
    first = enrich(keys, store, client_for(fake), now=NOW)
    assert (first.asked, first.found, first.not_found, first.fresh, first.requests) == (11, 10, 1, 0, 1)
    assert [s.body["ids"] for s in fake.seen] == [[f"ARXIV:{k}" for k in keys]]
    again = enrich(keys, CitationStore.open(), client_for(fake), now=NOW + timedelta(days=5))  # 6 days after FETCHED
    assert (again.asked, again.fresh, again.requests, len(fake.seen)) == (0, 11, 0, 1)
    later = enrich(keys[:3], CitationStore.open(), client_for(fake), now=NOW + timedelta(days=6))  # 8 days after
    assert (later.asked, later.requests) == (3, 1)
    refreshed = enrich(keys, CitationStore.open(), client_for(fake), refresh=True, now=NOW)
    assert (refreshed.asked, refreshed.requests) == (11, 1)


def test_enrich_asks_for_a_paper_without_an_arxiv_id_by_its_doi(fake: FakeS2) -> None:
    from helpers import make_paper

    turing = make_paper("Computing Machinery and Intelligence", links=("https://doi.org/10.1093/MIND/LIX.236.433",))
    report = enrich([turing, make_paper("No id")], CitationStore.open(), client_for(fake), now=NOW)
    assert fake.seen[0].body == {"ids": ["DOI:10.1093/mind/lix.236.433"]}
    assert (report.found, report.without_id) == (1, 1)
    assert CitationStore.open().get("doi:10.1093/mind/lix.236.433") == full_citations()


def test_enrich_asks_500_at_a_time(fake: FakeS2) -> None:
    keys = [f"2501.{n:05d}" for n in range(1001)]
    report = enrich(keys, CitationStore.open(), client_for(fake), now=NOW)
    assert [len(s.body["ids"]) for s in fake.seen] == [500, 500, 1]
    assert (report.asked, report.not_found, report.requests) == (1001, 1001, 3)


def test_what_was_answered_before_a_failure_is_kept(fake: FakeS2) -> None:
    keys = [p["externalIds"]["ArXiv"] for p in arxiv_papers()[:2]] + [f"2501.{n:05d}" for n in range(499)]
    fake.script = [Reply(200, json.dumps([fake.papers[f"ARXIV:{k}"] for k in keys[:2]] + [None] * 498).encode()), Reply(502, b"")]
    with pytest.raises(FetchError, match="HTTP 502"):
        enrich(keys, CitationStore.open(), client_for(fake), now=NOW)
    kept = CitationStore.open()
    assert len(kept) == 500 and kept.get(keys[0]).citation_count == arxiv_papers()[0]["citationCount"]
    assert kept.get(keys[-1]) is None


# --- papertui enrich -------------------------------------------------------------------------


def test_papertui_enrich_asks_65_papers_in_one_request_then_nothing(fake: FakeS2, tmp_path: Path, capsys) -> None:
    papers = arxiv_papers()[:65]
    corpus = write_corpus(tmp_path / "papers.jsonl", papers)
    assert main(["enrich", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Semantic Scholar: asked 65, found 65, not found 0, already fresh 0; 1 request in")
    assert len(fake.seen) == 1 and len(fake.seen[0].body["ids"]) == 65
    store = CitationStore.open()
    for paper in papers:
        kept = store.get(paper["externalIds"]["ArXiv"])
        assert kept == Citations(**{**vars_of_citations(expected(paper)), "fetched": kept.fetched})
    assert main(["enrich", str(corpus)]) == 0
    assert "asked 0, found 0, not found 0, already fresh 65; 0 requests" in capsys.readouterr().out
    assert len(fake.seen) == 1
    assert main(["enrich", str(corpus), "--refresh"]) == 0
    assert "asked 65, found 65" in capsys.readouterr().out and len(fake.seen) == 2


def vars_of_citations(citations: Citations) -> dict:
    return {name: getattr(citations, name) for name in Citations.__slots__}


def test_papertui_enrich_without_the_service_is_one_line_and_keeps_the_store(tmp_path: Path, capsys) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", arxiv_papers()[:3])
    store = CitationStore.open()
    store.put("2405.19561", full_citations())
    store.save()
    before = (data_dir() / STORE_FILE).read_bytes()
    assert main(["enrich", str(corpus), "--refresh"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("papertui: error: cannot reach Semantic Scholar at 127.0.0.1:9")
    assert (data_dir() / STORE_FILE).read_bytes() == before


def test_papertui_enrich_with_a_5xx_is_one_line(fake: FakeS2, tmp_path: Path, capsys) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", arxiv_papers()[:3])
    fake.script = [Reply(500, b"{}")]
    assert main(["enrich", str(corpus)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "papertui: error: Semantic Scholar answered HTTP 500 Internal Server Error; the citations kept before stay"
    assert not (data_dir() / STORE_FILE).exists() or len(CitationStore.open()) == 0


def test_papertui_enrich_does_not_ask_what_it_could_not_keep(fake: FakeS2, tmp_path: Path, capsys) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", arxiv_papers()[:3])
    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 99, "papers": {}}')
    assert main(["enrich", str(corpus)]) == 1
    warning, error = capsys.readouterr().err.splitlines()
    assert "newer papertui" in warning and error.startswith("papertui: error: the citations file cannot be written")
    assert fake.seen == [] and path.read_text() == '{"version": 99, "papers": {}}'


def test_papertui_enrich_counts_papers_it_cannot_ask_about(fake: FakeS2, tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(json.dumps({"title": "A paper with no id at all", "abstract": "Nothing to look it up by."}) + "\n")
    assert main(["enrich", str(corpus)]) == 0
    captured = capsys.readouterr()
    assert "1 papers have neither an arXiv id nor a DOI" in captured.err and "asked 0" in captured.out
    assert fake.seen == []


def test_graph_papers_added_to_the_library_load_like_fetched_papers(tmp_path: Path) -> None:
    from papertui.corpus import load_corpus
    from papertui.sources.library import Library

    recorded_papers = arxiv_papers()[:3] + [p for p in PAPER["citations"] if not (p.get("externalIds") or {}).get("ArXiv")][:2]
    papers = [answers.graph_paper(p) for p in recorded_papers]
    papers.append(GraphPaper(s2_id=None, title="An unresolved reference, title only"))
    Library(tmp_path / "library").store("semantic-scholar.jsonl", [paper.to_record() for paper in papers])
    corpus = load_corpus([tmp_path / "library"])
    # The JSON-lines reader notes a paper without an abstract (S2 has none for many): it loads.
    assert all(warning.endswith(": no abstract") for warning in corpus.warnings)
    loaded = {paper.title: paper for paper in corpus.papers}
    assert len(loaded) == len(papers)
    for paper in papers:
        assert (loaded[paper.title].arxiv_id, loaded[paper.title].authors) == (paper.arxiv_id, paper.authors)


def test_papers_are_asked_for_by_arxiv_id_without_version(fake: FakeS2, tmp_path: Path, capsys) -> None:
    paper = arxiv_papers()[0]
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(json.dumps({"id": f"{paper['externalIds']['ArXiv']}v3", "title": paper["title"], "abstract": "A."}) + "\n")
    assert main(["enrich", str(corpus)]) == 0
    assert fake.seen[0].body == {"ids": [f"ARXIV:{paper['externalIds']['ArXiv']}"]}
    assert CitationStore.open().get(paper["externalIds"]["ArXiv"]).citation_count == paper["citationCount"]

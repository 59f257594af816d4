"""Crossref: a DOI looked up on a local stand-in (tests/fake_crossref.py), politely (a mailto in
the User-Agent from the config), every field of the answer read defensively into a record."""

from __future__ import annotations

import json
import time

import pytest

from fake_crossref import WORK_DOI, FakeCrossref, recorded_work
from papertui.sources import crossref
from papertui.sources.http import Client, FetchError, Throttle
from papertui.sources.library import Library, read_library_file


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    server = FakeCrossref()
    monkeypatch.setenv(crossref.BASE_VARIABLE, server.url)
    monkeypatch.delenv(crossref.MAILTO_VARIABLE, raising=False)
    yield server
    server.close()


def client(config: dict | None = None) -> Client:
    http, problems = crossref.client(throttle=Throttle(0.0), config=config if config is not None else {})
    assert not problems
    return http


def test_a_doi_becomes_a_record_with_its_arxiv_preprint(fake):
    reference = crossref.lookup(f"https://doi.org/{WORK_DOI}", client())
    record = reference.record
    assert record.title == "Lost in the Middle: How Language Models Use Long Contexts"
    assert record.authors == ("Nelson F. Liu", "Kevin Lin", "John Hewitt", "Ashwin Paranjape", "Michele Bevilacqua", "Fabio Petroni", "Percy Liang")
    assert record.abstract.startswith("While recent language models have the ability")  # the JATS title and tags gone
    assert "<" not in record.abstract and record.abstract.endswith("future long-context language models.")
    assert record.published == "2024-02-23"
    assert record.arxiv_id == "2307.03172"  # relation has-preprint: arXiv's DOI
    assert record.links[0] == "https://doi.org/10.1162/tacl_a_00638"
    assert (reference.doi, reference.venue, reference.year, reference.kind) == (
        WORK_DOI, "Transactions of the Association for Computational Linguistics", 2024, "journal-article",
    )
    assert fake.asked == [WORK_DOI]


def test_the_user_agent_names_the_configured_mailto(fake):
    crossref.lookup(WORK_DOI, client({"crossref": {"mailto": "reader@example.org"}}))
    assert fake.user_agents[-1].startswith("papertui/")
    assert "mailto:reader@example.org" in fake.user_agents[-1]
    crossref.lookup(WORK_DOI, client())
    assert "mailto" not in fake.user_agents[-1]


@pytest.mark.parametrize("address", ["not an address", "a@b.org)\r\nX-Evil: 1", "x@y", ["a@b.org"], "é@b.org"])
def test_a_mailto_that_is_no_address_is_said_and_not_sent(fake, address):
    http, problems = crossref.client(throttle=Throttle(0.0), config={"crossref": {"mailto": address}})
    assert problems == ["[crossref] mailto in the config file is not an e-mail address (as you@example.org); asking Crossref without one"]
    crossref.lookup(WORK_DOI, http)
    assert "mailto" not in fake.user_agents[-1]


def test_the_environment_mailto_wins(fake, monkeypatch):
    monkeypatch.setenv(crossref.MAILTO_VARIABLE, "env@example.org")
    crossref.lookup(WORK_DOI, client({"crossref": {"mailto": "file@example.org"}}))
    assert "mailto:env@example.org" in fake.user_agents[-1]


def test_an_unknown_doi_is_one_line(fake):
    with pytest.raises(crossref.NotFound) as caught:
        crossref.lookup("10.1234/nothing-here", client())
    assert str(caught.value) == "Crossref knows no work with the DOI 10.1234/nothing-here"


def test_a_doi_with_reserved_characters_reaches_the_server_whole(fake):
    doi = "10.1002/(SICI)1097-4636(199706)35:4<549::AID-JBM13>3.0.CO;2-E"
    fake.answer(doi, {"DOI": doi, "title": ["A polymer"], "type": "journal-article"})
    assert crossref.lookup(doi, client()).record.title == "A polymer"
    assert fake.asked == [doi]


@pytest.mark.parametrize(
    "body, says",
    [
        (b"<html>busy</html>", "is not JSON"),
        (b'{"status": "failed", "message": {}}', "holds no work"),
        (b'["a list"]', "holds no work"),
        (b'{"status": "ok", "message": "text"}', "holds no work"),
        (b"[" * 100_000, "is not JSON"),
    ],
)
def test_an_answer_that_is_no_work_is_one_line(fake, body, says):
    fake.answer(WORK_DOI, body)
    with pytest.raises(crossref.AnswerError) as caught:
        crossref.lookup(WORK_DOI, client())
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_every_field_of_the_wrong_type_is_unknown_and_the_rest_kept(fake):
    work = recorded_work()
    work.update({
        "author": [None, 5, {"given": ["x"], "family": "Solo"}, {"name": "The ATLAS Collaboration"}, {"given": "Ann", "family": "Lee", "suffix": "Jr."}],
        "published": {"date-parts": [["2024", "13", "1"]]}, "issued": {"date-parts": "2024"}, "relation": {"has-preprint": "x"},
        "abstract": 42, "container-title": [None, "Journal of Things"], "type": {"x": 1}, "alternative-id": ["arXiv:2406.16845"],
        "subtitle": ["a subtitle\x1b[2J"], "resource": {"primary": {"URL": "javascript:alert(1)"}},
    })
    fake.answer(WORK_DOI, work)
    reference = crossref.lookup(WORK_DOI, client())
    record = reference.record
    assert record.authors == ("Solo", "The ATLAS Collaboration", "Ann Lee Jr.")
    assert record.published == "2024"  # the month 13 is not one: the year is kept
    assert record.abstract == ""
    assert record.title == "Lost in the Middle: How Language Models Use Long Contexts: a subtitle"
    assert record.arxiv_id == "2406.16845"  # from alternative-id when the relation says nothing
    assert record.links == ("https://doi.org/10.1162/tacl_a_00638",)
    assert (reference.venue, reference.kind) == ("Journal of Things", None)


def test_an_arxiv_link_gives_the_id_when_nothing_else_does(fake):
    fake.answer("10.5555/12345678", {"DOI": "10.5555/12345678", "title": ["T"], "link": [{"URL": "https://arxiv.org/pdf/1706.03762v5"}]})
    assert crossref.lookup("10.5555/12345678", client()).record.arxiv_id == "1706.03762"


def test_added_dois_are_stored_in_the_library_and_unknown_ones_said(fake, tmp_path):
    library = Library(tmp_path / "library")
    report = crossref.fetch_dois([WORK_DOI, "10.1234/missing"], client(), library)
    assert report.papers == 1 and report.new == 1 and report.requests == 2
    assert report.lines == ["Crossref knows no work with the DOI 10.1234/missing"]
    entries = list(read_library_file(tmp_path / "library" / crossref.ADDED_FILE).values())
    assert [entry["title"] for entry in entries] == ["Lost in the Middle: How Language Models Use Long Contexts"]
    assert entries[0]["id"] == "2307.03172" and "https://doi.org/10.1162/tacl_a_00638" in entries[0]["links"]


def test_a_server_that_does_not_answer_is_left_at_the_deadline(fake, monkeypatch):
    """The bounded client's deadline holds for Crossref too: set small here, it ends the wait."""
    monkeypatch.setenv("PAPERTUI_ANSWER_SECONDS", "1")
    fake.delay = 10.0
    http = client()
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        crossref.lookup(WORK_DOI, http)
    assert time.monotonic() - started < 5
    assert "Crossref took longer than 1 s" in str(caught.value)


def test_not_a_doi_is_refused_before_asking(fake):
    with pytest.raises(ValueError):
        crossref.lookup("2406.16845", client())
    assert fake.asked == []


def test_the_fixture_is_a_crossref_work_answer():
    """The stand-in's answer has the envelope and the fields Crossref's schema requires."""
    answer = json.loads((__import__("fake_crossref").WORK_FILE).read_text(encoding="utf-8"))
    assert (answer["status"], answer["message-type"]) == ("ok", "work")
    required = {"publisher", "title", "reference-count", "source", "prefix", "DOI", "member", "type", "created", "deposited", "indexed", "issued"}
    assert required <= set(answer["message"])

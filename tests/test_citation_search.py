"""Citations in the query language (`citations:`, `influential:`, `venue:`, `has:tldr`), the
`citations` and `velocity` orders, and the citation fields of `list`'s JSON, BibTeX and
Markdown. The store is filled by the real `enrich` against the Semantic Scholar stand-in on
127.0.0.1 (tests/fake_s2.py, replaying recorded answers), or directly."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from fake_s2 import PAPER, FakeS2, arxiv_papers
from helpers import make_paper
from papertui.cli import main
from papertui.export import export
from papertui.marks.personal import PersonalFacts
from papertui.search import SearchIndex, SearchResult
from papertui.search.orders import SORT_ORDERS, next_order
from papertui.search.query import parse_query
from papertui.search.sorting import Sorter
from papertui.sources.citations.client import INTERVAL, SemanticScholar
from papertui.sources.citations.enrich import enrich
from papertui.sources.citations.model import Citations, paper_key
from papertui.sources.citations.store import CitationStore
from papertui.sources.http import Throttle
from papertui.marks.store import MarkStore

FETCHED = "2026-12-01T10:00:00Z"
NOW = datetime(2026, 12, 3, tzinfo=timezone.utc)
TURING_DOI = "10.1093/MIND/LIX.236.433"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    server = FakeS2()
    monkeypatch.setenv("PAPERTUI_S2_API", server.url)
    monkeypatch.setenv("PAPERTUI_CONFIG", "/nonexistent/papertui-config.toml")
    yield server
    server.close()


def quick_client(fake: FakeS2) -> SemanticScholar:
    """The real client, with a throttle whose waits are counted, not waited."""
    now = [1000.0]
    return SemanticScholar(
        base=fake.url, throttle=Throttle(INTERVAL, lambda: now[0], lambda s: now.__setitem__(0, now[0] + s)), clock=lambda: FETCHED
    )


def recorded_corpus() -> tuple[list, list[dict]]:
    """The 243 recorded papers with an arXiv id, and Turing's paper by its DOI (the one with a
    TL;DR and a journal), as corpus papers, with the recorded answers they stand for."""
    answers = [*arxiv_papers(), PAPER]
    papers = [make_paper(p["title"], arxiv_id=p["externalIds"]["ArXiv"]) for p in answers[:-1]]
    papers.append(make_paper(PAPER["title"], links=(f"https://doi.org/{TURING_DOI}",)))
    return papers, answers


@pytest.fixture
def enriched(fake: FakeS2):
    """The recorded corpus, enriched by the real `enrich` from the stand-in: one request."""
    papers, answers = recorded_corpus()
    store = CitationStore.open()
    report = enrich(papers, store, quick_client(fake), now=NOW)
    assert (report.found, report.requests) == (len(papers), 1)
    return papers, answers, store


def search(papers, query: str, facts: PersonalFacts) -> list[int]:
    return sorted(SearchIndex(papers).search(query, facts).rows)


def facts_with(store: CitationStore) -> PersonalFacts:
    return PersonalFacts(MarkStore.open(), citations=store)


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "operator", "value", "negated"),
    [
        ("citations:>=100", "citations", ">=", "100", False),
        ("citations:<5", "citations", "<", "5", False),
        ("citations:<=5", "citations", "<=", "5", False),
        ("citations:>7", "citations", ">", "7", False),
        ("citations:=7", "citations", "=", "7", False),
        ("citations:42", "citations", "=", "42", False),
        ("!citations:>=5", "citations", ">=", "5", True),
        ("influential:>=10", "influential", ">=", "10", False),
        ("venue:NeurIPS", "venue", "", "neurips", False),
        ("!venue:arxiv", "venue", "", "arxiv", True),
        ("has:tldr", "tldr", "", "tldr", False),
        ("!has:TLDR", "tldr", "", "tldr", True),
    ],
)
def test_citation_filters_are_read(text: str, kind: str, operator: str, value: str, negated: bool) -> None:
    query = parse_query(text)
    ((term,),) = query.groups
    assert (term.kind, term.operator, term.value, term.negated) == (kind, operator, value, negated)
    assert not query.notes and query.uses_marks  # cached by the facts' version, like the marks
    assert parse_query(str(term)).groups == query.groups  # the status line's form reads back the same


def test_citation_filters_join_with_or() -> None:
    ((first, second),) = parse_query("citations:>=5 | venue:icml").groups
    assert (first.kind, second.kind) == ("citations", "venue")


@pytest.mark.parametrize("value", [">=abc", ">=", ">=٣", "²", ">=1.5", ">=-3"])
def test_a_malformed_count_is_read_as_words_with_a_note(value: str) -> None:
    query = parse_query(f"citations:{value}")
    assert query.notes == (f"citations:{value}: give a number, as in citations:>=100; read as words",)
    assert all(term.kind in ("words", "text") for group in query.groups for term in group)


def test_a_count_of_thousands_of_digits_compares_as_the_largest_and_never_raises() -> None:
    query = parse_query("citations:>=" + "9" * 5000)
    ((term,),) = query.groups
    assert (term.kind, term.value, query.notes) == ("citations", str(10**18), ())
    ((zeros,),) = parse_query("influential:" + "0" * 5000 + "7").groups
    assert zeros.value == "7"


def test_the_citation_orders_are_reached_with_ctrl_s_after_the_others() -> None:
    assert SORT_ORDERS[-2:] == ("citations", "velocity")
    assert next_order("for-you") == "citations" and next_order("velocity") == "relevance"


# --- masks, from what the service answered -------------------------------------------------------


def test_counts_select_as_the_service_answered(enriched) -> None:
    papers, answers, store = enriched
    facts = facts_with(store)
    for bound in (0, 5, 50, 1000):
        assert search(papers, f"citations:>={bound}", facts) == [i for i, a in enumerate(answers) if a["citationCount"] >= bound]
        assert search(papers, f"citations:<{bound}", facts) == [i for i, a in enumerate(answers) if a["citationCount"] < bound]
        assert search(papers, f"!citations:>={bound}", facts) == [i for i, a in enumerate(answers) if a["citationCount"] < bound]
    exact = answers[0]["citationCount"]
    assert search(papers, f"citations:{exact}", facts) == [i for i, a in enumerate(answers) if a["citationCount"] == exact]
    assert search(papers, "influential:>=3", facts) == [i for i, a in enumerate(answers) if a["influentialCitationCount"] >= 3]
    assert len(search(papers, "citations:>=50", facts)) == 16  # 15 recorded arXiv papers and Turing's


def test_venue_and_tldr_select_as_the_service_answered(enriched) -> None:
    papers, answers, store = enriched
    facts = facts_with(store)

    def venue_has(answer: dict, needle: str) -> bool:
        return needle in (answer["venue"] or "").casefold() or needle in ((answer["journal"] or {}).get("name") or "").casefold()

    for needle in ("conference", "acm", "mind"):
        expected = [i for i, a in enumerate(answers) if venue_has(a, needle)]
        assert expected and search(papers, f"venue:{needle.upper()}", facts) == expected
    assert search(papers, "has:tldr", facts) == [len(papers) - 1]  # Turing's, the one with a TL;DR
    assert search(papers, "!has:tldr", facts) == list(range(len(papers) - 1))
    conference_or_mind = search(papers, "venue:conference | venue:mind", facts)
    assert conference_or_mind == sorted(set(search(papers, "venue:conference", facts)) | set(search(papers, "venue:mind", facts)))


def test_unknown_papers_never_match_and_match_when_negated() -> None:
    papers = [make_paper("Asked", arxiv_id="2401.00001"), make_paper("Never asked", arxiv_id="2401.00002"), make_paper("No id")]
    store = CitationStore(None)
    store.put("2401.00001", Citations(fetched=FETCHED, citation_count=3))
    facts = facts_with(store)
    assert search(papers, "citations:>=0", facts) == [0]
    assert search(papers, "!citations:>=0", facts) == [1, 2]
    assert search(papers, "venue:a", facts) == [] and search(papers, "has:tldr", facts) == []


def test_a_change_to_the_store_is_seen_by_the_next_search() -> None:
    papers = [make_paper(f"Paper {i}", arxiv_id=f"2401.0000{i}") for i in range(3)]
    store = CitationStore.open()
    store.put("2401.00000", Citations(fetched=FETCHED, citation_count=10))
    facts = facts_with(store)
    index = SearchIndex(papers)
    assert list(index.search("citations:>=10", facts).rows) == [0]
    store.put("2401.00001", Citations(fetched=FETCHED, citation_count=20))  # a new answer
    assert sorted(index.search("citations:>=10", facts).rows) == [0, 1]
    store.save()
    store.put("2401.00000", Citations(fetched=FETCHED, citation_count=1))  # an answer changed
    assert sorted(index.search("citations:>=10", facts).rows) == [1]
    store.save()  # saved: nothing pending, the file changed
    store.put("2401.00001", Citations(fetched=FETCHED, citation_count=2))
    store.save()
    assert sorted(index.search("citations:>=10", facts).rows) == []


def test_without_a_store_given_the_data_directorys_is_read_and_read_again_when_it_changes() -> None:
    papers = [make_paper(f"Paper {i}", arxiv_id=f"2401.0000{i}") for i in range(2)]
    facts = PersonalFacts(MarkStore.open())
    index = SearchIndex(papers)
    assert list(index.search("citations:>=1", facts).rows) == []
    other = CitationStore.open()  # `papertui enrich` in another process
    other.put("2401.00001", Citations(fetched=FETCHED, citation_count=5))
    other.save()
    assert list(index.search("citations:>=1", facts).rows) == [1]


def test_plain_words_never_read_the_citation_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """The typing path: a query of plain words asks nothing of the citations."""

    def refuse(*args, **kwargs):
        raise AssertionError("the citation store was read for plain words")

    monkeypatch.setattr(CitationStore, "open", refuse)
    monkeypatch.setattr(PersonalFacts, "citations_version", property(refuse))
    papers = [make_paper("Graph neural networks", arxiv_id="2401.00001"), make_paper("Other", arxiv_id="2401.00002")]
    facts = PersonalFacts(MarkStore.open())
    assert parse_query("graph neur").plain_words == ("graph", "neur")
    assert list(SearchIndex(papers).search("graph neur", facts).rows) == [0]


# --- sorting -----------------------------------------------------------------------------------


def test_sort_by_citations_most_first_unknown_last_ties_in_the_results_order() -> None:
    papers = [make_paper(f"Paper {i}", arxiv_id=f"2401.0000{i}") for i in range(6)]
    store = CitationStore(None)
    for i, count in ((0, 5), (2, 50), (3, 5), (5, 0)):
        store.put(f"2401.0000{i}", Citations(fetched=FETCHED, citation_count=count))
    facts = facts_with(store)
    result = SearchResult("", [4, 3, 2, 1, 0, 5], searched=6)  # a result's own (relevance) order
    keys = facts.citation_sort_keys("citations", papers)
    assert list(Sorter().sort(result, "citations", papers, citations=keys)) == [2, 3, 0, 5, 4, 1]
    assert list(Sorter().sort(result, "citations", papers)) == [4, 3, 2, 1, 0, 5]  # no counts: as it was
    assert facts.citation_sort_keys("date", papers) is None


def test_sort_by_citations_agrees_with_the_service(enriched) -> None:
    papers, answers, store = enriched
    facts = facts_with(store)
    result = SearchResult("", range(len(papers)), searched=len(papers))
    rows = list(Sorter().sort(result, "citations", papers, citations=facts.citation_sort_keys("citations", papers)))
    counts = [answers[i]["citationCount"] for i in rows]
    assert sorted(rows) == list(range(len(papers))) and counts == sorted(counts, reverse=True)
    assert rows[0] == len(papers) - 1  # Turing's 10,059


def test_velocity_is_citations_a_year_since_publication() -> None:
    from papertui.search.citation_facts import citations_per_year

    today = date(2026, 6, 1)
    papers = [
        make_paper("Dated", arxiv_id="2406.00001"),
        make_paper("Year only", arxiv_id="2406.00002"),
        make_paper("By its arXiv id", arxiv_id="2206.00003"),
        make_paper("Last month", arxiv_id="2605.00004"),
        make_paper("Old-style id", arxiv_id="hep-th/9901001"),
        make_paper("No count", arxiv_id="2406.00005"),
        make_paper("No date at all"),
    ]
    store = CitationStore(None)
    store.put("2406.00001", Citations(fetched=FETCHED, citation_count=100, publication_date="2024-06-01", year=2020))
    store.put("2406.00002", Citations(fetched=FETCHED, citation_count=100, year=2022))
    store.put("2206.00003", Citations(fetched=FETCHED, citation_count=100))
    store.put("2605.00004", Citations(fetched=FETCHED, citation_count=30, publication_date="2026-05-01"))
    store.put("hep-th/9901001", Citations(fetched=FETCHED, citation_count=275))
    store.put("2406.00005", Citations(fetched=FETCHED, year=2024))
    velocity = citations_per_year(store, papers, [paper_key(p) for p in papers], today)
    days = lambda start: (today - start).days / 365.25  # noqa: E731
    assert velocity[0] == pytest.approx(100 / days(date(2024, 6, 1)))  # the publication date, not the year
    assert velocity[1] == pytest.approx(100 / days(date(2022, 1, 1)))
    assert velocity[2] == pytest.approx(100 / days(date(2022, 6, 1)))
    assert velocity[3] == 30  # younger than a year: a whole year
    assert velocity[4] == pytest.approx(275 / days(date(1999, 1, 1)))
    assert math.isnan(velocity[5]) and math.isnan(velocity[6])
    facts = facts_with(store)
    result = SearchResult("", range(len(papers)), searched=len(papers))
    keys = facts.citation_sort_keys("velocity", papers, today)
    # 50 a year, 30 (last month's), 25, 22.7, 10; then the unknown in the result's order
    assert list(Sorter().sort(result, "velocity", papers, citations=keys)) == [0, 3, 2, 1, 4, 5, 6]


# --- exports -----------------------------------------------------------------------------------


def citations_of(store: CitationStore):
    return lambda paper: store.get(paper_key(paper))


def test_json_has_the_citation_fields_the_service_answered(enriched) -> None:
    papers, answers, store = enriched
    records = [json.loads(line) for line in export(papers, "jsonl", citations_of=citations_of(store)).splitlines()]
    for record, answer in zip(records, answers, strict=True):
        assert record["citation_count"] == answer["citationCount"]
        assert record["influential_citation_count"] == answer["influentialCitationCount"]
        assert record["reference_count"] == answer["referenceCount"]
        assert record["tldr"] == ((answer.get("tldr") or {}).get("text") or None)
        assert record["venue"] == (answer["venue"] or (answer["journal"] or {}).get("name") or None)
        assert record["year"] == answer["year"]
        assert record["doi"] == answer["externalIds"].get("DOI")
        assert record["s2_id"] == answer["paperId"]
    assert records[-1]["tldr"] and records[-1]["venue"] == "The Philosophy of Artificial Intelligence"
    unknown = json.loads(export([make_paper("Never asked", arxiv_id="2501.00001")], "json", citations_of=citations_of(store)))[0]
    fields = ("citation_count", "influential_citation_count", "reference_count", "tldr", "venue", "year", "doi", "s2_id")
    assert [unknown[name] for name in fields] == [None] * 8


def bib(paper, citations: Citations | None) -> str:
    return export([paper], "bibtex", citations_of=lambda p: citations)


def test_bibtex_uses_the_venue_year_and_doi() -> None:
    paper = make_paper("Attention Is All You Need", arxiv_id="1706.03762", authors=("Ashish Vaswani",), published="2017-06-12")
    conference = Citations(fetched=FETCHED, venue="Neural Information Processing Systems", journal="ArXiv", year=2017, doi="10.5555/3295222")
    entry = bib(paper, conference)
    assert entry.startswith("@inproceedings{vaswani2017attention,\n")
    assert "  booktitle = {Neural Information Processing Systems},\n" in entry
    assert "  doi = {10.5555/3295222},\n" in entry and "  year = {2017}\n" in entry
    assert "  eprint = {1706.03762},\n" in entry  # still findable by its arXiv id
    journal = Citations(fetched=FETCHED, venue="Mind", journal="Mind", year=1950, doi=TURING_DOI)
    entry = bib(make_paper("Computing Machinery & Intelligence", authors=("A. M. Turing",)), journal)
    assert entry.startswith("@article{turing") and "  journal = {Mind},\n" in entry and f"  doi = {{{TURING_DOI}}},\n" in entry
    assert "  year = {1950}\n" in entry and "Machinery \\& Intelligence" in entry
    preprint = bib(paper, Citations(fetched=FETCHED, venue="arXiv.org", journal="ArXiv", year=2017))
    assert preprint == bib(paper, None) and preprint.startswith("@misc{")  # as before
    odd = bib(paper, Citations(fetched=FETCHED, venue="Workshop on A & B", doi="10.1000/a}b"))
    assert "  booktitle = {Workshop on A \\& B},\n" in odd and "doi" not in odd  # unbalanced: left out


def test_markdown_shows_the_venue_year_and_doi() -> None:
    paper = make_paper("Attention", arxiv_id="1706.03762")
    cited = Citations(fetched=FETCHED, venue="Neural_Information *Processing*", year=2017, doi="10.1000/x(y)")
    line = export([paper], "markdown", citations_of=lambda p: cited)
    assert line == (
        "- [Attention](https://arxiv.org/abs/1706.03762) · arXiv:1706.03762 · Neural\\_Information \\*Processing\\* 2017"
        " · [doi:10.1000/x(y)](https://doi.org/10.1000/x%28y%29)\n"
    )
    assert export([paper], "markdown") == "- [Attention](https://arxiv.org/abs/1706.03762) · arXiv:1706.03762\n"


# --- papertui enrich, then papertui list ----------------------------------------------------------


def test_list_after_enrich_agrees_with_the_service(fake: FakeS2, tmp_path: Path, capsys) -> None:
    answers = arxiv_papers()
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": a["externalIds"]["ArXiv"], "title": a["title"], "abstract": a["abstract"] or a["title"]}) + "\n" for a in answers)
    )
    assert main(["enrich", str(corpus)]) == 0
    assert len(fake.seen) == 1
    capsys.readouterr()
    by_id = {a["externalIds"]["ArXiv"]: a for a in answers}

    assert main(["list", str(corpus), "--no-library", "--sort", "citations", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["arxiv_id"] for r in records) == sorted(by_id)
    counts = [r["citation_count"] for r in records]
    assert counts == sorted(counts, reverse=True)
    for record in records:
        answer = by_id[record["arxiv_id"]]
        assert (record["citation_count"], record["influential_citation_count"], record["reference_count"]) == (
            answer["citationCount"], answer["influentialCitationCount"], answer["referenceCount"],
        )  # fmt: skip
        assert (record["year"], record["doi"], record["s2_id"]) == (answer["year"], answer["externalIds"].get("DOI"), answer["paperId"])

    assert main(["list", str(corpus), "--no-library", "--query", "citations:>=50"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert listed == {key for key, a in by_id.items() if a["citationCount"] >= 50} and len(listed) == 15

    assert main(["list", str(corpus), "--no-library", "--sort", "velocity"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(answers)
    assert len(fake.seen) == 1  # list never asks the service


def test_list_by_citations_without_any_kept_says_how_to_get_them(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(json.dumps({"id": "2401.00001", "title": "A paper", "abstract": "An abstract."}) + "\n")
    assert main(["list", str(corpus), "--no-library", "--sort", "citations"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("2401.00001")
    assert captured.err == f"papertui: note: no citations kept yet: run 'papertui enrich {corpus}' to ask Semantic Scholar for them\n"


def test_np_nan_is_what_unknown_is() -> None:
    """The Sorter's contract with its callers: NaN, not a sentinel number, is unknown."""
    papers = [make_paper(f"P{i}", arxiv_id=f"2401.0000{i}") for i in range(3)]
    result = SearchResult("", range(3), searched=3)
    keys = np.array([np.nan, -1.0, 3.0])
    assert list(Sorter().sort(result, "velocity", papers, citations=keys)) == [2, 1, 0]


# --- the app ------------------------------------------------------------------------------------


async def test_the_app_sorts_by_citations_and_filters_by_them() -> None:
    from helpers import make_corpus, settle
    from papertui.cli import make_app

    papers = [make_paper(f"Agents paper {i}", arxiv_id=f"2401.0000{i}") for i in range(4)]
    store = CitationStore.open()
    for i, count in ((1, 7), (2, 300), (3, 40)):
        store.put(f"2401.0000{i}", Citations(fetched=FETCHED, citation_count=count, venue="ICML" if i == 3 else None))
    store.save()
    app = make_app(corpus=make_corpus(*papers))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(8):  # relevance, corpus, title, date, upvotes, starred, new, for-you
            await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.sort_order == "citations"
        assert list(app.paper_list.rows) == [2, 3, 1, 0]
        assert "sort: citations, most first" in str(app.query_one("#status").render())
        await pilot.press("ctrl+s")  # velocity: the arXiv ids' month, all the same
        await settle(pilot)
        assert app.sort_order == "velocity" and list(app.paper_list.rows) == [2, 3, 1, 0]
        await pilot.press(*"citations:>=10 | venue:icml")
        await settle(pilot)
        assert app.filter_bar.value == "citations:>=10 | venue:icml", app.filter_bar.value
        assert list(app.paper_list.rows) == [2, 3]  # still by velocity

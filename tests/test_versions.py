"""arXiv versions: what the services say (RSS, the API, OAI-PMH), what the library keeps, the
latest one on the paper (merged, kept by the cache), the version a paper was starred or read
at and `is:updated`, the detail line; and `papertui fetch s2 --recommend` against the local
Semantic Scholar replay server (tests/fake_s2.py). Nothing here touches the network."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fake_s2 import FakeS2, Reply, recorded
from papertui.cli import main
from papertui.corpus import load_corpus
from papertui.corpus.merge import CorpusBuilder
from papertui.corpus.model import FileReport, Paper, Record, Source
from papertui.corpus.records import make_record
from papertui.loading import load_and_index
from papertui.sources.library import Library, library_dir
from papertui.marks.store import MarkStore
from papertui.storage.files import data_dir

FEEDS = Path(__file__).parent / "feeds"
RSS = FEEDS / "arxiv-rss-cs.CL-2026-08-13.xml"
ATOM = FEEDS / "arxiv-api-atom-cat_cs.AI_OR_cs.LG_OR_cs.CL-submittedDate-desc-start0-max25-2026-08-02.xml"
OAI_RAW = FEEDS / "arxiv-oaipmh-new-GetRecord-arXivRaw-1706.03762-2026-08-12.xml"
RECOMMENDED = json.loads(recorded("test_get_recommended_papers_from_lists-1")[1])["recommendedPapers"]
TODAY = date(2026, 12, 6)


def atom_entry(arxiv_id: str, version: int, title: str) -> str:
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v{version}</id><title>{title}</title>"
        f"<summary>An abstract long enough to be one, about {title.lower()} and nothing else.</summary>"
        f"<published>2025-02-01T00:00:00Z</published><author><name>A. Author</name></author></entry>"
    )


def atom_feed(*entries: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">' + "".join(entries) + "</feed>\n"


def paper(arxiv_id: str, version: int | None, title: str = "A paper") -> Paper:
    return Paper(title=title, abstract="", arxiv_id=arxiv_id, version=version)


# --- the arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("v3", 3), ("V12", 12), (3, 3), ("3", 3), ("v", None), ("v0", None), (0, None), (True, None), ("v²", None),
     ("v٣", None), ("v" + "9" * 5000, None), (10**9, None), (None, None), ([3], None), ("3.0", None)],
)  # fmt: skip
def test_a_version_is_a_small_whole_number_or_nothing(value: object, expected: int | None) -> None:
    from papertui.corpus.versions import version_number

    assert version_number(value) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("http://arxiv.org/abs/2406.16845v3", 3), ("2406.16845v12", 12), ("hep-th/9901001v2", 2),
     ("2406.16845", None), ("http://arxiv.org/abs/2406.16845", None), ("", None), ("v3", None), ("review", None)],
)  # fmt: skip
def test_the_version_an_id_ends_with(text: str, expected: int | None) -> None:
    from papertui.corpus.versions import id_version

    assert id_version(text) == expected


# --- what the services say --------------------------------------------------------------


def test_rss_items_carry_their_version_and_new_ones_are_v1() -> None:
    from papertui.corpus.arxiv_rss import feed_items

    items = list(feed_items(RSS.read_text(encoding="utf-8"), FileReport("rss")))
    by_id = {item.record.arxiv_id: item for item in items}
    assert by_id["2502.00837"].announce == "replace" and by_id["2502.00837"].record.version == 3
    assert by_id["2505.13252"].record.version == 5
    assert {item.record.version for item in items if item.announce == "new"} == {1}
    assert all(item.record.version and item.record.version >= 2 for item in items if item.announce.startswith("replace"))


def test_api_answers_carry_the_version_of_their_ids() -> None:
    from papertui.corpus.arxiv_atom import parse_arxiv_atom

    records = list(parse_arxiv_atom(ATOM.read_text(encoding="utf-8"), FileReport("atom")))
    assert records and all(record.version == 1 for record in records)  # the ids end in v1
    (again,) = parse_arxiv_atom(atom_feed(atom_entry("2502.00837", 4, "Quokkas")), FileReport("atom"))
    assert (again.arxiv_id, again.version) == ("2502.00837", 4)


def test_oai_arxivraw_gives_the_highest_version_listed() -> None:
    from papertui.corpus.oai_pmh import parse_oai_page

    (record,) = parse_oai_page(OAI_RAW.read_text(encoding="utf-8"), FileReport("oai")).records
    assert (record.arxiv_id, record.version) == ("1706.03762", 7)


# --- the library ------------------------------------------------------------------------


def stored_version(library: Library, relative: str, arxiv_id: str) -> object:
    lines = (library.root / relative).read_text(encoding="utf-8").splitlines()
    return next(json.loads(line) for line in lines if json.loads(line)["id"] == arxiv_id).get("version")


def test_replace_items_raise_the_version_the_library_keeps(tmp_path: Path) -> None:
    library = Library(tmp_path / "library")
    first = make_record("Abstract.", "Quokkas", arxiv_id="2502.00837")
    first.version = 1
    library.store("rss.jsonl", [first], {"2502.00837": {"announce": "new"}})
    assert stored_version(library, "rss.jsonl", "2502.00837") == "v1"
    unnamed = make_record("Abstract, revised.", "Quokkas", arxiv_id="2502.00837")  # a replacement naming no vN
    library.store("rss.jsonl", [unnamed], {"2502.00837": {"announce": "replace"}})
    assert stored_version(library, "rss.jsonl", "2502.00837") == "v2"
    named = make_record("Abstract, again.", "Quokkas", arxiv_id="2502.00837")
    named.version = 5
    library.store("rss.jsonl", [named], {"2502.00837": {"announce": "replace"}})
    assert stored_version(library, "rss.jsonl", "2502.00837") == "v5"
    older = make_record("Abstract.", "Quokkas", arxiv_id="2502.00837")
    older.version = 3  # an older answer arriving late does not lower what is known
    library.store("rss.jsonl", [older])
    assert stored_version(library, "rss.jsonl", "2502.00837") == "v5"


def test_a_fetched_announcement_stores_each_papers_version(capsys, monkeypatch, tmp_path: Path) -> None:
    from fake_feeds import FakeFeeds

    server = FakeFeeds()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        assert main(["fetch", "arxiv", "cs.CL"]) == 0
    finally:
        server.close()
    (path,) = (library_dir() / "arxiv-rss").glob("*.jsonl")
    entries = {entry["id"]: entry for entry in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    assert entries["2502.00837"]["version"] == "v3" and entries["2505.13252"]["version"] == "v5"
    assert all(entry["version"] == "v1" for entry in entries.values() if entry["announce"] == "new")


def test_add_stores_the_version_the_api_names(capsys, monkeypatch) -> None:
    from fake_feeds import FakeFeeds

    server = FakeFeeds()  # answers 1706.03762 as …/abs/1706.03762v7
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        assert main(["add", "1706.03762"]) == 0
    finally:
        server.close()
    assert stored_version(Library(), "added.jsonl", "1706.03762") == "v7"


# --- the paper: merged, and kept by the cache -------------------------------------------


def test_the_paper_has_the_highest_version_of_its_records() -> None:
    builder = CorpusBuilder()
    report = FileReport("f")
    for number, version in enumerate([1, 3, None, 2], 1):
        record = make_record("The same abstract, long enough to prove the same paper.", "Quokkas", arxiv_id="2502.00837")
        record.version = version
        builder.add(record, Source("f", number, "arxiv-atom"), report)
    builder.finish()
    (merged,) = builder.papers
    assert merged.version == 3


def test_a_start_from_the_cache_keeps_the_versions_and_an_update_merges_them(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "announcement.xml").write_bytes(RSS.read_bytes())  # 2502.00837 at v3
    older = folder / "older.xml"
    older.write_text(atom_feed(atom_entry("2502.00837", 1, "Quokkas"), atom_entry("2401.00001", 2, "Wombats")), encoding="utf-8")

    def versions(papers) -> dict[str, int | None]:
        return {p.arxiv_id: p.version for p in papers if p.arxiv_id in ("2502.00837", "2401.00001", "2505.13252")}

    fresh = list(load_and_index([folder]))[-1]
    assert not fresh.cached
    assert versions(fresh.corpus.papers) == {"2502.00837": 3, "2401.00001": 2, "2505.13252": 5}
    again = list(load_and_index([folder]))[-1]
    assert again.cached and versions(again.corpus.papers) == versions(fresh.corpus.papers)
    older.write_text(atom_feed(atom_entry("2502.00837", 6, "Quokkas"), atom_entry("2401.00001", 2, "Wombats")), encoding="utf-8")
    updated = list(load_and_index([folder]))[-1]  # only the changed file is read again
    assert versions(updated.corpus.papers) == {"2502.00837": 6, "2401.00001": 2, "2505.13252": 5}
    assert versions(list(load_and_index([folder]))[-1].corpus.papers) == versions(updated.corpus.papers)


# --- the marks and is:updated -----------------------------------------------------------


def test_a_paper_starred_at_v1_is_updated_at_v3_and_not_once_read_at_v3(tmp_path: Path) -> None:
    marks = MarkStore(tmp_path / "state.json")
    at_v1 = paper("2502.00837", 1, "Quokkas")
    other = paper("2401.00001", 2, "Wombats")
    marks.update(at_v1, starred=True)
    marks.update(other, read=True)
    marks.save()
    at_v3 = paper("2502.00837", 3, "Quokkas")  # the same paper after a fetch brought v3
    papers = [at_v3, other]
    assert marks.updated_mask(papers, 2).tolist() == [True, False]
    reopened = MarkStore.open(tmp_path)  # the version seen is kept on disk
    assert reopened.get(at_v3).seen_version == 1 and reopened.updated_mask(papers, 2).tolist() == [True, False]
    reopened.update(at_v3, read=True)
    assert reopened.get(at_v3).seen_version == 3 and reopened.updated_mask(papers, 2).tolist() == [False, False]


def test_a_paper_starred_before_its_version_was_known_is_never_updated(tmp_path: Path) -> None:
    marks = MarkStore(None)
    marks.update(paper("2502.00837", None), starred=True)
    assert marks.updated_mask([paper("2502.00837", 3)], 1).tolist() == [False]
    marks.update(paper("2502.00837", 3), starred=False, tags=["kept"])  # no longer starred nor read
    assert marks.updated_mask([paper("2502.00837", 9)], 1).tolist() == [False]


def test_marks_put_back_with_their_version_keep_it() -> None:
    """What undo does: the marks and the version they were made at come back together."""
    marks = MarkStore(None)
    marks.update(paper("2502.00837", 1), starred=True)
    now = paper("2502.00837", 3)
    marks.update(now, read=True)
    assert marks.get(now).seen_version == 3
    marks.update(now, starred=True, read=False, seen_version=1)
    assert marks.get(now).seen_version == 1 and marks.updated_mask([now], 1).tolist() == [True]


@pytest.mark.parametrize("junk", ['"v"', "true", "0", "-2", '"²"', "1e400", "[3]", '"' + "9" * 5000 + '"'])
def test_a_hand_edited_seen_version_that_is_no_version_is_none(tmp_path: Path, junk: str) -> None:
    (tmp_path / "state.json").write_text(
        f'{{"version": 1, "papers": {{"arxiv:2502.00837": {{"title": "Quokkas", "arxiv_id": "2502.00837", "starred": true, "seen_version": {junk}}}}}}}'
    )
    marks = MarkStore.open(tmp_path)
    assert marks.warnings == [] and marks.get(paper("2502.00837", 3, "Quokkas")).seen_version is None


def test_personal_facts_answer_is_updated(tmp_path: Path) -> None:
    from papertui.marks.personal import PersonalFacts

    marks = MarkStore(None)
    marks.update(paper("2502.00837", 1, "Quokkas"), read=True)
    facts = PersonalFacts(marks)
    assert facts.updated_mask([paper("2502.00837", 2, "Quokkas")], 1).tolist() == [True]


# --- shown ------------------------------------------------------------------------------


def test_the_detail_pane_says_v3_since_you_read_v1() -> None:
    from papertui.ui.detail import paper_details

    marks = MarkStore(None)
    marks.update(paper("2502.00837", 1, "Quokkas"), read=True)
    now = paper("2502.00837", 3, "Quokkas")
    assert "v3, since you read v1" in paper_details(now, marks=marks.get(now)).plain
    starred = MarkStore(None)
    starred.update(paper("2502.00837", 2, "Quokkas"), starred=True)
    assert "v3, since you starred v2" in paper_details(now, marks=starred.get(now)).plain
    shown = paper_details(now).plain
    assert "v3" in shown and "since you" not in shown
    assert "Version" not in paper_details(paper("2502.00837", None)).plain


def test_the_list_marks_an_updated_paper() -> None:
    from papertui.ui.paper_list import UPDATED_MARKER, updated_marker

    marks = MarkStore(None)
    marks.update(paper("2502.00837", 1), starred=True)
    now = paper("2502.00837", 3)
    assert marks.get(now).updated_in(now.version) and updated_marker(now) == f" {UPDATED_MARKER}v3"
    assert not marks.get(now).updated_in(1)


async def test_in_the_app_an_updated_paper_is_marked_and_reading_it_catches_up(tmp_path: Path) -> None:
    from helpers import settle
    from papertui.cli import make_app

    (tmp_path / "announcement.xml").write_bytes(RSS.read_bytes())  # 2502.00837 is a replace item at v3
    marks = MarkStore.open()
    marks.update(paper("2502.00837", 1, "Quokkas"), starred=True)  # starred when it was at v1
    marks.save()
    app = make_app([tmp_path], query="id:2502.00837", with_library=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.paper_list.row_count == 1 and app.detail.paper.version == 3
        assert "↑v3" in app.paper_list.render_line(0).text
        detail = "".join(app.detail.render_line(y).text for y in range(12))
        assert "v3, since you starred v1" in detail
        await pilot.press("enter")  # to the list, whose r marks the paper read
        await pilot.press("r")
        await settle(pilot)
        assert app.marks.get(app.detail.paper).seen_version == 3
        assert "↑v3" not in app.paper_list.render_line(0).text


# --- papertui fetch s2 --recommend --------------------------------------------------------


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from papertui.sources.citations import client
    from papertui.sources.http import Throttle

    server = FakeS2()
    monkeypatch.setenv("PAPERTUI_S2_API", server.url)
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))
    slept: list[float] = []
    now = [1000.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    # The pauses between requests run on a fake clock: the rule is checked, not waited for.
    monkeypatch.setattr(client, "Throttle", lambda interval: Throttle(interval, clock=lambda: now[0], sleep=sleep))
    server.slept = slept  # type: ignore[attr-defined]
    yield server
    server.close()


def star(*papers: tuple[str | None, str]) -> None:
    marks = MarkStore.open()
    for arxiv_id, title in papers:
        marks.update(Paper(title=title, abstract="", arxiv_id=arxiv_id), starred=True)
    marks.save()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def library_entries(relative: str) -> list[dict]:
    return [json.loads(line) for line in (library_dir() / relative).read_text(encoding="utf-8").splitlines()]


def test_recommendations_for_the_starred_papers_are_stored_in_the_library(capsys, fake: FakeS2) -> None:
    star(("2502.00837", "Quokkas"), (None, "A paper with no id"), ("1706.03762", "Attention is all you need"))
    code, out, err = run(capsys, "fetch", "s2", "--recommend")
    assert code == 0, err
    assert out.count("\n") == 1 and out.startswith("Semantic Scholar recommendations: 100 papers, 100 new to the library, 2 requests")
    first, second = fake.seen
    assert (first.method, first.path, first.query["limit"]) == ("POST", "/recommendations/v1/papers/", "100")
    assert first.body == {"positivePaperIds": ["ARXIV:1706.03762", "ARXIV:2502.00837"], "negativePaperIds": []}  # latest starred first
    # The recorded answer has titles only: their abstracts are asked for once, all in one batch.
    assert (second.path, len(second.body["ids"])) == ("/graph/v1/paper/batch", 100)
    assert fake.slept and all(pause <= 1.0 for pause in fake.slept)  # a second apart, on the fake clock
    (path,) = (library_dir() / "s2-recommendations").glob("*.jsonl")
    entries = library_entries(f"s2-recommendations/{path.name}")
    assert [entry["title"] for entry in entries] == [paper["title"] for paper in RECOMMENDED]
    assert all(e["abstract"] == f"(Semantic Scholar has no abstract for “{e['title']}”.)" for e in entries)
    assert all(f"https://www.semanticscholar.org/paper/{p['paperId']}" in e["links"] for e, p in zip(entries, RECOMMENDED))
    assert "100 have no abstract at Semantic Scholar" in err
    corpus = load_corpus([library_dir()])
    assert corpus.warnings == [] and len(corpus.papers) == 100  # they load like any fetched paper, quietly
    again = run(capsys, "fetch", "s2", "--recommend")
    assert again[0] == 0 and ", 0 new to the library" in again[1]


def test_a_recommended_paper_keeps_the_abstract_or_tldr_the_batch_gives(capsys, fake: FakeS2) -> None:
    with_tldr, with_abstract = RECOMMENDED[0]["paperId"], RECOMMENDED[1]["paperId"]
    fake.papers[with_tldr] = {"paperId": with_tldr, "tldr": {"model": "tldr@v2.0.0", "text": "Paths in graphs."}}
    fake.papers[with_abstract] = {"paperId": with_abstract, "abstract": "Subsets \x1b[31mand\x1b[0m operations.", "externalIds": {"ArXiv": "2301.00002"}}
    star(("2502.00837", "Quokkas"))
    assert run(capsys, "fetch", "s2", "--recommend")[0] == 0
    (path,) = (library_dir() / "s2-recommendations").glob("*.jsonl")
    first, second = library_entries(f"s2-recommendations/{path.name}")[:2]
    assert first["abstract"] == "TL;DR (Semantic Scholar): Paths in graphs."
    assert second["abstract"] == "Subsets and operations." and second["id"] == "2301.00002"


def test_no_starred_paper_is_one_line_and_asks_nothing(capsys, fake: FakeS2) -> None:
    star((None, "A paper with no id"))
    code, out, err = run(capsys, "fetch", "s2", "--recommend")
    assert code == 1 and out == "" and fake.seen == []
    assert err.count("\n") == 1 and "no starred paper to ask Semantic Scholar about (1 starred without an arXiv id" in err


@pytest.mark.parametrize("reply", [Reply(500, b"{}"), Reply(200, b"not json"), Reply(200, b'{"recommendedPapers": []}')])
def test_nothing_fetched_is_one_line_and_exit_1(capsys, fake: FakeS2, reply: Reply) -> None:
    star(("2502.00837", "Quokkas"))
    fake.script = [reply] * 4  # retried 5xx answers too
    code, out, err = run(capsys, "fetch", "s2", "--recommend")
    assert code == 1
    assert [line for line in err.splitlines() if "error" in line] and len([l for l in err.splitlines() if l.startswith("papertui: error")]) == 1
    assert not (library_dir() / "s2-recommendations").exists()


def test_no_service_is_one_line_and_exit_1(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))
    star(("2502.00837", "Quokkas"))  # PAPERTUI_S2_API is a closed local port (conftest)
    code, out, err = run(capsys, "fetch", "s2", "--recommend")
    assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith("papertui: error: ")


def test_s2_without_recommend_or_with_too_large_a_limit_is_a_usage_error(capsys) -> None:
    assert run(capsys, "fetch", "s2")[0] == 2
    code, _, err = run(capsys, "fetch", "s2", "--recommend", "--limit", "501")
    assert code == 2 and "at most 500" in err


# --- end to end: the library's versions reach the papers, and is:updated in a query -------


def test_the_librarys_versions_reach_the_papers_and_is_updated_finds_them(capsys, monkeypatch, tmp_path: Path) -> None:
    from fake_feeds import FakeFeeds
    from papertui.marks.personal import PersonalFacts
    from papertui.search import SearchIndex

    library = Library()
    first = make_record("Abstract of the first version.", "Quokkas", arxiv_id="2502.00837")
    first.version = 1
    library.store("added.jsonl", [first])
    (before,) = [p for p in load_corpus([library_dir()]).papers if p.arxiv_id == "2502.00837"]
    assert before.version == 1
    marks = MarkStore.open()
    marks.update(before, starred=True)
    marks.save()
    server = FakeFeeds()  # the day's announcement has 2502.00837 as a replace item at v3
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        assert main(["fetch", "arxiv", "cs.CL"]) == 0
    finally:
        server.close()
    papers = load_corpus([library_dir()]).papers
    (after,) = [p for p in papers if p.arxiv_id == "2502.00837"]
    assert after.version == 3
    facts = PersonalFacts(MarkStore.open())
    index = SearchIndex(papers)
    assert [papers[i].arxiv_id for i in index.search("is:updated", facts).rows] == ["2502.00837"]
    assert "2502.00837" not in [papers[i].arxiv_id for i in index.search("!is:updated", facts).rows]
    facts.marks.update(after, read=True)  # read at v3: no longer updated
    assert list(index.search("is:updated", facts).rows) == []


def test_is_updated_is_a_filter_not_words() -> None:
    from papertui.search.query import parse_query

    query = parse_query("is:updated")
    assert not any("is:updated" in note for note in query.notes)


def test_the_metadata_snapshot_gives_the_latest_version() -> None:
    corpus = load_corpus([Path(__file__).parent / "fixtures" / "arxiv-metadata-snapshot-head.jsonl"])
    by_id = {paper.arxiv_id: paper.version for paper in corpus.papers}
    assert by_id["0704.0001"] == 2 and all(version for version in by_id.values())


def test_undoing_a_read_at_v3_makes_the_paper_updated_again() -> None:
    from papertui.marks.undo import MarkHistory

    marks, history = MarkStore(None), MarkHistory()
    marks.update(paper("2502.00837", 1), starred=True)
    now = paper("2502.00837", 3)
    history.before_change(marks, now)
    marks.update(now, read=True)
    history.close(marks, "Read 1 paper")
    assert marks.updated_mask([now], 1).tolist() == [False]
    history.undo(marks)
    assert marks.get(now).seen_version == 1 and marks.updated_mask([now], 1).tolist() == [True]
    history.redo(marks)
    assert marks.get(now).seen_version == 3 and marks.updated_mask([now], 1).tolist() == [False]

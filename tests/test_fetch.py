"""Fetching into the library, against the real recorded answers served on 127.0.0.1
(tests/fake_feeds.py), with a fake clock for the pauses between requests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fake_arxiv import feed
from fake_feeds import Scripted
from helpers import settle
from papertui import bundled_seeds
from papertui.cli import main, make_app
from papertui.corpus import load_corpus
from papertui.sources.library import library_dir

HF_DAYS = {"2024-10-21": 20, "2024-10-22": 22, "2024-10-23": 10, "2024-10-24": 10, "2024-10-28": 15, "2024-10-29": 19, "2024-10-30": 10, "2024-10-31": 8}




async def press_fetch(pilot) -> None:
    """F in the list (the filter bar would take it as a letter)."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("F")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def library_snapshot() -> dict[str, bytes]:
    root = library_dir()
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} if root.is_dir() else {}


def library_ids() -> list[str]:
    return [json.loads(line)["id"] for path in sorted(library_dir().rglob("*.jsonl")) for line in path.read_text().splitlines()]


# --- Hugging Face ------------------------------------------------------------------------------


def test_hf_days_are_stored_once_and_a_second_fetch_adds_nothing(capsys, feeds, clock):
    code, out, err = run(capsys, "fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-31")
    assert code == 0, err
    assert out.startswith(f"Hugging Face daily papers: {sum(HF_DAYS.values())} papers, {sum(HF_DAYS.values())} new to the library, 11 requests")
    assert "2024-10-26: no papers listed that day" in err
    files = {p.stem: len(p.read_text().splitlines()) for p in (library_dir() / "hf").glob("*.jsonl")}
    assert files == HF_DAYS
    assert len(library_ids()) == len(set(library_ids())) == sum(HF_DAYS.values())
    assert [r.split("?")[1] for r in feeds.requests] == [f"date=2024-10-{day}" for day in range(21, 32)]
    assert all(ua.startswith("papertui/") for ua in feeds.user_agents)
    assert clock.sleeps and all(s <= 1.0 for s in clock.sleeps) and sum(clock.sleeps) == pytest.approx(10.0)  # one a second

    before = library_snapshot()
    code, out, _ = run(capsys, "fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-31")
    assert code == 0 and f"{sum(HF_DAYS.values())} papers, 0 new to the library" in out
    after = library_snapshot()
    assert {k: v for k, v in after.items() if k != ".seen.json"} == {k: v for k, v in before.items() if k != ".seen.json"}


def test_every_field_of_a_daily_paper_is_kept(capsys, feeds):
    assert run(capsys, "fetch", "hf", "--date", "2024-10-21")[0] == 0
    entry = json.loads((library_dir() / "hf" / "2024-10-21.jsonl").read_text().splitlines()[0])
    assert entry["id"] == "2410.14059" and entry["title"].startswith("UCFE: A User-Centric Financial Expertise Benchmark")
    assert entry["upvotes"] == 38 and entry["comments"] == 1 and entry["listed"] == "2024-10-21" and entry["published"] == "2024-10-17"
    assert entry["authors"][:2] == ["Yuzhe Yang", "Yifei Zhang"] and entry["first_seen"].endswith("Z")


def test_the_current_answer_keeps_github_links_stars_and_comments(capsys, feeds):
    assert run(capsys, "fetch", "hf", "--date", "2026-06-12")[0] == 0
    entries = {e["id"]: e for e in map(json.loads, (library_dir() / "hf" / "2026-06-12.jsonl").read_text().splitlines())}
    assert len(entries) == 30
    paper = entries["2606.12730"]
    assert paper["links"] == ["https://github.com/psychology-of-AI/Rethinking-Pyschometric-Eval-LLMs"]
    assert (paper["github_stars"], paper["comments"], paper["listed"]) == (1, 3, "2026-06-12")
    (loaded,) = [p for p in load_corpus([library_dir()]).papers if p.arxiv_id == "2606.12730"]
    assert (loaded.github_stars, loaded.comments) == (1, 3) and loaded.first_seen == paper["first_seen"]


def test_a_broken_day_is_said_and_skipped(capsys, feeds):
    code, out, err = run(capsys, "fetch", "hf", "--date", "2024-12-11")
    assert code == 1  # nothing readable came: a failure, not an empty day
    assert "2024-12-11: the answer holds no paper papertui can read (26 items are not papers); nothing stored" in err
    assert err.splitlines()[-1] == (
        "papertui: error: Hugging Face daily papers: nothing stored: 1 answer held no paper papertui can read (see the lines above)"
    )
    assert library_ids() == []


def test_a_broken_day_among_good_ones_is_no_failure(capsys, feeds):
    feeds.script = [Scripted(body=b"<html>busy</html>")]
    code, out, err = run(capsys, "fetch", "hf", "--since", "2024-10-30", "--until", "2024-10-31")
    assert code == 0 and "papertui: error" not in err and len(library_ids()) == HF_DAYS["2024-10-31"]
    assert "2024-10-30: the answer holds no paper papertui can read; nothing stored for that day" in err


def test_a_refused_feed_exits_1(capsys, feeds):
    feeds.script = [Scripted(body=b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "x">]><rss version="2.0"><channel/></rss>')]
    code, out, err = run(capsys, "fetch", "arxiv", "cs.CL")
    assert code == 1 and "declares XML entities" in err
    assert err.splitlines()[-1].startswith("papertui: error: arXiv cs.CL (RSS): nothing stored: 1 answer held no paper")
    assert library_ids() == []


def test_fetched_files_load_back_without_a_warning(capsys, feeds):
    run(capsys, "fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-24")
    run(capsys, "fetch", "arxiv", "cs.CL")
    run(capsys, "add", "1706.03762")
    corpus = load_corpus([library_dir()])
    assert corpus.warnings == []
    assert {report.format for report in corpus.files} == {"json-lines"}
    code, out, err = run(capsys, "stats", str(library_dir()))
    assert code == 0 and err == ""


# --- arXiv -------------------------------------------------------------------------------------


def test_the_rss_announcement_stores_new_and_cross_papers_and_replacements(capsys, feeds):
    code, out, err = run(capsys, "fetch", "arxiv", "cs.CL")
    assert code == 0, err
    assert "announced 2026-08-13: 56 new, 36 cross, 32 replace, 15 replace-cross" in err
    (path,) = (library_dir() / "arxiv-rss").glob("*.jsonl")
    assert path.name == "2026-08-13-cs.CL.jsonl"
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(entries) == 139 and entries[0]["id"] == "2608.11232" and entries[0]["announce"] == "new"
    assert entries[0]["version"] == "v1" and entries[0]["authors"] == ["Ruoxi Zhao", "Maziar Raissi"]
    assert feeds.requests == ["/rss/cs.CL"]


def test_an_empty_weekend_feed_says_so(capsys, feeds):
    code, out, err = run(capsys, "fetch", "arxiv", "cs.DL")
    assert code == 0
    assert "the cs.DL feed is empty today: arXiv announces nothing on Saturdays, Sundays and holidays" in err
    assert library_ids() == []


def test_add_by_id_and_url(capsys, feeds):
    code, out, err = run(capsys, "add", "https://arxiv.org/abs/1706.03762v5", "arXiv:1706.03762", "not-an-id")
    assert code == 0
    assert "'not-an-id' is not an arXiv id, URL or DOI; skipped" in err
    (entry,) = [json.loads(line) for line in (library_dir() / "added.jsonl").read_text().splitlines()]
    assert entry["id"] == "1706.03762" and entry["title"] == "Attention Is All You Need"
    assert "Ashish Vaswani" in entry["authors"] and entry["categories"][:2] == ["cs.CL", "cs.LG"]
    assert feeds.requests == ["/api/query?id_list=1706.03762&max_results=1"]


def test_a_back_fill_pages_through_the_api(capsys, feeds):
    code, out, err = run(capsys, "fetch", "arxiv", "cs.AI", "cs.LG", "cs.CL", "--since", "2020-01-01")
    assert code == 0, err
    assert "25 papers" in out
    assert "search_query=cat%3Acs.AI+OR+cat%3Acs.LG+OR+cat%3Acs.CL" in feeds.requests[0] and "sortBy=submittedDate" in feeds.requests[0]
    assert len(feeds.requests) == 1  # 25 of 2,000 asked: the last page


# --- OAI-PMH -----------------------------------------------------------------------------------


def test_an_oai_harvest_follows_every_page(capsys, feeds, clock):
    code, out, err = run(capsys, "fetch", "oai", "--set", "cs", "--from", "2023-03-07")
    assert code == 0, err
    assert out.startswith("arXiv OAI-PMH set cs: 2,265 papers")
    assert [r.split("?", 1)[1] for r in feeds.requests] == [
        "verb=ListRecords&metadataPrefix=oai_dc&set=cs&from=2023-03-07",
        "verb=ListRecords&resumptionToken=6511260%7C1001",
        "verb=ListRecords&resumptionToken=6511260%7C2001",
    ]
    assert clock.sleeps == [3.0, 3.0]  # arXiv: one request every 3 s
    assert len(library_ids()) == 2265
    assert not json.loads((library_dir() / "oai" / ".harvests.json").read_text())  # finished: nothing to resume


def test_an_interrupted_harvest_resumes_where_it_stopped(capsys, feeds):
    first = feeds.answer("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=cs")
    feeds.script = [first] + [Scripted(503, b"busy", (("Retry-After", "1"),))] * 4  # page 1, then four 503s
    code, out, err = run(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "papertui: error: arXiv's OAI-PMH service answered HTTP 503 Service Unavailable (after 4 tries); what was fetched before is kept"
    )
    assert len(library_ids()) == 1000
    code, out, err = run(capsys, "fetch", "oai", "--set", "cs")
    assert code == 0, err
    assert "resuming the harvest at page 2, where it stopped" in err
    assert feeds.requests[-2:] == ["/oai?verb=ListRecords&resumptionToken=6511260%7C1001", "/oai?verb=ListRecords&resumptionToken=6511260%7C2001"]
    assert len(library_ids()) == 2265


def test_oai_errors_get_a_clear_line(capsys, feeds):
    code, out, err = run(capsys, "fetch", "oai", "--set", "moo")
    assert code == 0 and "no records match set moo" in err
    (library_dir() / "oai").mkdir(parents=True, exist_ok=True)
    (library_dir() / "oai" / ".harvests.json").write_text(json.dumps({"cs-start-now-oai_dc": {"token": "expired|1", "page": 1}}))
    code, out, err = run(capsys, "fetch", "oai", "--set", "cs")
    assert code == 1
    assert "resumption token has expired (OAI-PMH badResumptionToken); run the same command again to start over" in err
    code, out, err = run(capsys, "fetch", "oai", "--set", "cs")
    assert code == 0 and "2,265 papers" in out


# --- politeness and failure --------------------------------------------------------------------


def test_429_with_retry_after_is_waited_for_and_503_stops_after_three_retries(capsys, feeds, clock):
    feeds.script = [Scripted(429, b"slow down", (("Retry-After", "7"),))]
    code, out, err = run(capsys, "fetch", "hf", "--date", "2024-10-23")
    assert code == 0, err
    assert 7.0 in clock.sleeps and len(feeds.requests) == 2
    feeds.script = [Scripted(503, b"busy")] * 4
    before = library_snapshot()
    code, out, err = run(capsys, "fetch", "hf", "--date", "2024-10-24")
    assert code == 1
    assert err == "papertui: error: the Hugging Face API answered HTTP 503 Service Unavailable (after 4 tries); what was fetched before is kept\n"
    assert library_snapshot() == before


def test_a_body_cut_short_is_asked_again(capsys, feeds):
    feeds.script = [Scripted(200, b'[{"paper": {"id": "2410.00001", "title": "x"}}]', cut=True)]
    code, out, err = run(capsys, "fetch", "hf", "--date", "2024-10-23")
    assert code == 0, err
    assert len(feeds.requests) == 2 and "10 papers" in out


def test_a_retry_after_too_long_is_not_waited_for(capsys, feeds, clock):
    feeds.script = [Scripted(429, b"", (("Retry-After", "3600"),))]
    code, out, err = run(capsys, "fetch", "arxiv", "cs.CL")
    assert code == 1 and "asks to wait 60 minutes (HTTP 429); nothing more was asked, try later" in err
    assert 3600 not in clock.sleeps


def test_arxiv_endpoints_share_one_pause_of_three_seconds(capsys, feeds, clock, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[fetch]\narxiv = ["cs.CL"]\noai = "cs"\nhf = 1\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    code, out, err = run(capsys, "fetch")
    assert code == 0, err
    assert [line.split(":")[0] for line in out.splitlines()] == ["Hugging Face daily papers", "arXiv cs.CL (RSS)", "arXiv OAI-PMH set cs"]
    assert clock.sleeps == [3.0, 3.0, 3.0]  # RSS, then three OAI pages: each 3 s after the one before


@pytest.mark.parametrize(
    "argv",
    [("fetch", "hf"), ("fetch", "arxiv", "cs.CL"), ("fetch", "arxiv", "--query", "ti:attention"), ("fetch", "oai", "--set", "cs"), ("add", "1706.03762")],
)
def test_without_network_one_line_exit_1_and_nothing_stored(capsys, argv, monkeypatch, clock):
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens
    for name, value in {"PAPERTUI_HF_API": closed, "PAPERTUI_ARXIV_API": f"{closed}/api/query",
                        "PAPERTUI_ARXIV_RSS": closed, "PAPERTUI_ARXIV_OAI": f"{closed}/oai"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert len(err.splitlines()) == 1 and err.startswith("papertui: error: cannot reach ") and "127.0.0.1:9" in err
    assert not library_dir().exists()


def test_usage_errors_and_a_missing_config(capsys, feeds, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "none.toml"))
    code, _, err = run(capsys, "fetch")
    assert code == 2 and "nothing to fetch: name a source (hf, arxiv, oai) or list them in" in err
    (tmp_path / "bad.toml").write_text("hf = [oops")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "bad.toml"))
    code, _, err = run(capsys, "fetch")
    assert code == 2 and "is not valid TOML" in err
    assert run(capsys, "fetch", "hf", "--date", "2024-10-21", "--days", "3")[0] == 2
    assert run(capsys, "fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-01")[0] == 2
    assert run(capsys, "fetch", "arxiv")[0] == 2
    assert run(capsys, "fetch", "oai")[0] == 2
    assert feeds.requests == []


# --- the library in the browser: what is new ---------------------------------------------------


async def test_fetched_papers_are_new_on_the_first_opening_and_not_on_the_next(capsys, feeds):
    run(capsys, "fetch", "hf", "--date", "2024-10-21")
    run(capsys, "add", "1706.03762")
    both = load_corpus([bundled_seeds(), library_dir()])  # a fetched paper may be a seed paper too
    for opening, expected in ((1, 21), (2, 0)):
        app = make_app(query="is:new")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert len(app.corpus.papers) == len(both.papers) > 321, opening  # the seeds and the library
            assert len(app.result.rows) == expected, opening
            status = str(app.query_one("#status").render())
            assert ("21 new" in status) == (opening == 1)
            if expected:  # the list marks them ✦ in the id marker's place
                assert app.paper_list.render_line(0).text.lstrip().startswith("✦")
    code, out, _ = run(capsys, "list", "--query", "is:new")
    assert code == 1 or out == ""  # nothing fetched since the last opening


async def test_f_fetches_the_configured_sources_and_the_papers_appear(capsys, feeds, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('arxiv = ["cs.CL"]\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.corpus.papers) == 321
        await press_fetch(pilot)
        for _ in range(500):
            await settle(pilot)
            if not app.fetching and not app.loading and len(app.corpus.papers) > 321:
                break
            await pilot.pause(0.02)
        assert len(app.corpus.papers) == 321 + 139, [n.message for n in app._notifications]
        app.filter_bar.value = "is:new backtrader"
        await settle(pilot)
        assert [app.corpus.papers[i].arxiv_id for i in app.result.rows] == ["2608.11232"]
    assert feeds.requests == ["/rss/cs.CL"]


async def test_f_without_config_says_what_to_write(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "none.toml"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press_fetch(pilot)
        await pilot.pause()
        assert any("Nothing to fetch" in n.message for n in app._notifications)


# --- lookups fill the paper --------------------------------------------------------------------


def test_a_paper_found_by_title_exports_as_a_full_bibtex_entry(capsys, fake_arxiv, write, monkeypatch):
    from papertui import resolve

    monkeypatch.setattr(resolve, "REQUEST_INTERVAL", 0.0)
    title = "Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"
    fake_arxiv.answer(title.replace("-", " "), feed("2405.13786"))
    path = write("listing.txt", f"Title: {title}\nSummary: \n---\n")
    assert run(capsys, "resolve", str(path))[0] == 0
    code, out, _ = run(capsys, "list", str(path), "--format", "bibtex")
    assert "eprint = {2405.13786}" in out and "author = {" in out and "year = {2024}" in out and "primaryClass = {cs.SE}" in out
    cached = json.loads((Path(resolve.data_dir()) / "resolved.json").read_text())
    (answer,) = cached["titles"].values()
    assert answer["authors"] and answer["categories"] and answer["published"].startswith("2024")


def test_today_is_the_default_day(capsys, feeds):
    run(capsys, "fetch", "hf")
    assert feeds.requests == [f"/api/daily_papers?date={date.today().isoformat()}"]


def test_the_config_file_plan_and_what_it_ignores():
    from papertui.sources.config import fetch_plan

    plan = fetch_plan({"fetch": {"hf": True, "arxiv": ["cs.CL", " cs.LG "], "oai": "cs"}})
    assert (plan.hf_days, plan.arxiv, plan.oai, plan.problems) == (3, ["cs.CL", "cs.LG"], ["cs"], [])
    assert fetch_plan({"hf": 7, "arxiv": "cs.CL"}).hf_days == 7  # the keys may stand at the top too
    bad = fetch_plan({"hf": "daily", "arxiv": 5, "oai": []})
    assert bad.empty and bad.problems == [
        "hf = 'daily': give true or a number of days (1 to 366); ignored",
        'arxiv = 5: give a list of categories, as ["cs.CL", "cs.LG"]; ignored',
        'oai = []: give a set name, as "cs"; ignored',
    ]


def test_oai_records_in_arxiv_raw_and_arxiv_formats_are_read():
    from fake_feeds import OAI_RECORD
    from papertui.corpus.model import FileReport
    from papertui.corpus.oai_pmh import parse_oai_page

    page = parse_oai_page(OAI_RECORD.read_text(), FileReport("x"))
    (record,) = page.records
    assert (record.arxiv_id, record.title, record.published) == ("1706.03762", "Attention Is All You Need", "2017-06-12")
    assert record.authors[0] == "Ashish Vaswani" and record.categories == ("cs.CL", "cs.LG")
    arxiv_format = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><header><identifier>oai:arXiv.org:0704.0001'
        '</identifier></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>0704.0001</id><created>2007-04-02</created>'
        "<authors><author><keyname>Balázs</keyname><forenames>C.</forenames></author></authors><title>Diphoton production</title>"
        "<categories>hep-ph</categories><abstract>A fully differential calculation.</abstract></arXiv></metadata></record>"
        "</GetRecord></OAI-PMH>"
    )
    (record,) = parse_oai_page(arxiv_format, FileReport("x")).records
    assert (record.arxiv_id, record.authors, record.categories, record.published) == ("0704.0001", ("C. Balázs",), ("hep-ph",), "2007-04-02")


def test_an_unwritable_library_is_one_line(capsys, feeds, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "library").write_text("a file where the library's folder should be")
    code, out, err = run(capsys, "fetch", "hf", "--date", "2024-10-23")
    assert code == 1 and len(err.splitlines()) == 1 and err.startswith("papertui: error: cannot write the library file ")


async def test_f_without_network_says_so_once_and_stores_nothing(tmp_path, monkeypatch, clock):
    config = tmp_path / "config.toml"
    config.write_text("hf = 1\n")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    monkeypatch.setenv("PAPERTUI_HF_API", "http://127.0.0.1:9")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press_fetch(pilot)
        for _ in range(200):
            await settle(pilot)
            if not app.fetching:
                break
            await pilot.pause(0.02)
        failed = [n for n in app._notifications if n.title == "Fetch failed"]
        assert len(failed) == 1 and "cannot reach the Hugging Face API at 127.0.0.1:9" in failed[0].message
        assert len(app.corpus.papers) == 321 and app.is_running
    assert not library_dir().exists()


def test_the_title_search_shares_the_polite_client(feeds, clock):
    """`resolve` and `i` ask through the same client: Retry-After is honoured there too."""
    from papertui.resolve import ArxivSearch

    fake = clock
    search = ArxivSearch(f"{feeds.url}/api/query", clock=fake.clock, sleep=fake.sleep)
    feeds.script = [Scripted(429, b"", (("Retry-After", "5"),))]
    records = search.search_title("anything at all")
    assert fake.sleeps == [5.0] and search.requests == 2 and len(records) == 25
    assert all(agent.startswith("papertui/") for agent in feeds.user_agents)

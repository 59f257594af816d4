"""`papertui digest`: which new papers go in which section and why, on papers built here and on
three real days of Hugging Face daily papers fetched from the recorded answers (tests/feeds),
and the three renderers with hostile titles."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from papertui.cli import main
from papertui.corpus.model import Paper
from papertui.digest.mark import parse_since, read_mark
from papertui.digest.model import Digest, Entry, Section
from papertui.digest.select import DigestInput, SavedSearch, select
from papertui.export.digest_html import digest_html
from papertui.export.digest_markdown import digest_markdown
from papertui.export.digest_text import digest_text

DAYS = ("--since", "2024-10-21", "--until", "2024-10-23")  # 52 papers, three days
WATCHED_AUTHOR = "Graham Neubig"
STARRED = ("2410.13370", "2410.13925", "2410.10812")  # MagicTailor, FiTv2, HART: image generation
DISMISSED = ("2410.13861", "2410.16271")  # PUMA (visual generation: for you but for the dismissal), FrugalNeRF (48 upvotes)
MOST_UPVOTED = "2410.16256"  # CompassJudger-1, 51 upvotes


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sections(markdown: str) -> dict[str, str]:
    """Each `## Name` of a Markdown digest and the text under it."""
    found: dict[str, str] = {}
    name = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            name = line[3:]
            found[name] = ""
        elif name is not None:
            found[name] += line + "\n"
    return found


def ids_in(text: str) -> list[str]:
    return [part.split(")")[0] for part in text.split("https://arxiv.org/abs/")[1:]]


# --- on papers built here ----------------------------------------------------------------------


def paper(n: int, title: str = "", *, seen: str | None = "2026-08-14T06:00:00Z", upvotes: int | None = None, authors=("Ann Author",), version=None) -> Paper:
    return Paper(title=title or f"Paper {n}", abstract=f"About thing {n}.", arxiv_id=f"2608.{n:05d}", authors=authors,
                 upvotes=upvotes, first_seen=seen, version=version)  # fmt: skip


class Watch:
    """A watch list of one author, with the shape of papertui.marks.watch.WatchList."""

    def __init__(self, author: str) -> None:
        self.author = author

    def mask(self, papers, size):
        return np.array([self.author in p.authors for p in papers[:size]], dtype=bool)

    def reason(self, paper):
        return f"by {self.author}" if self.author in paper.authors else None


def given(papers, **changes) -> DigestInput:
    none = np.zeros(len(papers), dtype=bool)
    values = dict(papers=papers, since="2026-08-14T00:00:00Z", made="2026-08-14T07:00:00Z", dismissed=none, starred=none, read=none, weak=none)
    values.update(changes)
    return DigestInput(**values)


def test_a_paper_is_listed_once_among_the_main_sections_and_saved_searches_say_where_else():
    papers = [paper(1, upvotes=90, authors=("Zed",)), paper(2, upvotes=50), paper(3, upvotes=10), paper(4, seen="2026-08-01T00:00:00Z", upvotes=500)]
    saved = [SavedSearch("mine", "thing", [3, 0, 1, 2])]
    digest = select(given(papers, watch=Watch("Zed"), saved=saved)).digest
    by_name = {section.name: [entry.paper.arxiv_id for entry in section.entries] for section in digest.sections}
    assert by_name["Watched"] == ["2608.00001"]
    assert by_name["Most upvoted"] == ["2608.00002", "2608.00003"]  # not the watched one again, not the old one
    assert by_name["Saved search: mine"] == ["2608.00001", "2608.00002", "2608.00003"]  # the old paper is not new
    whys = [entry.why for entry in digest.sections[-1].entries]
    assert whys[0] == "matches thing; also under Watched" and whys[1] == "matches thing; also under Most upvoted"
    assert digest.new == 3


def test_dismissed_papers_are_in_no_section_and_counted():
    papers = [paper(1, upvotes=90, authors=("Zed",)), paper(2, upvotes=50, version=3), paper(3, upvotes=10)]
    dismissed = np.array([True, True, False])
    updated = np.array([False, True, False])
    saved = [SavedSearch("all", "x", [0, 1, 2])]
    digest = select(given(papers, watch=Watch("Zed"), dismissed=dismissed, updated=updated, saved=saved)).digest
    listed = [entry.paper for section in digest.sections for entry in section.entries]
    assert listed == [papers[2], papers[2]] and (digest.new, digest.dismissed) == (1, 2)


def test_for_you_without_stars_says_how_to_get_it_and_limit_counts_the_rest():
    papers = [paper(n, upvotes=n) for n in range(1, 8)]
    digest = select(given(papers, limit=3)).digest
    for_you, upvoted = digest.sections
    assert for_you.entries == () and "star papers" in for_you.note
    assert [e.paper.upvotes for e in upvoted.entries] == [7, 6, 5] and upvoted.more == 4
    assert "and 4 more" in digest_markdown(digest)


class Ranking:
    """A recommender with the shape of papertui.recommend.model.Recommender, ranking by a
    fixed score per paper."""

    def __init__(self, papers, scores) -> None:
        self.papers, self.scores, self.trained = papers, np.asarray(scores, dtype=np.float32), []

    def train(self, starred, dismissed=(), weak=()):
        from papertui.recommend.model import ForYou

        self.trained.append((list(starred), list(dismissed), list(weak)))
        return ForYou(self.scores, list(starred))

    def why(self, model, paper):
        return ["word"], model.starred[0]


def test_for_you_learns_from_stars_dismissals_and_reads_and_claims_before_most_upvoted():
    papers = [paper(1, "Starred", upvotes=1), paper(2, upvotes=90), paper(3, upvotes=80), paper(4, upvotes=5), paper(5, upvotes=70)]
    ranking = Ranking(papers, [9, 8, 1, 7, 9])
    starred, read, dismissed = (np.array(flags, dtype=bool) for flags in ([1, 0, 0, 0, 0], [1, 0, 0, 1, 0], [0, 0, 0, 0, 1]))
    digest = select(given(papers, starred=starred, read=read, weak=read & ~starred, dismissed=dismissed, recommender=lambda chosen: ranking, limit=1)).digest
    for_you, upvoted = digest.sections
    assert [e.paper for e in for_you.entries] == [papers[1]] and for_you.entries[0].why == "like your starred “Starred”; its words word"
    assert for_you.more == 1  # paper 3: not paper 4 (read), 5 (dismissed) or 1 (starred)
    assert [e.paper for e in upvoted.entries] == [papers[2]]  # the most upvoted is listed under For you already
    assert ranking.trained == [([0], [4], [3])]


def test_most_cited_only_with_citation_data():
    papers = [paper(1), paper(2), paper(3), paper(4, seen=None)]
    counts = {"2608.00001": 3, "2608.00002": None, "2608.00003": 40, "2608.00004": 900}
    digest = select(given(papers, cited=lambda p: counts[p.arxiv_id])).digest
    assert [(s.name, [(e.paper.arxiv_id, e.why) for e in s.entries]) for s in digest.sections[1:]] == [
        ("Most cited", [("2608.00003", "cited 40 times (Semantic Scholar)"), ("2608.00001", "cited 3 times (Semantic Scholar)")])]
    assert [s.name for s in select(given(papers)).digest.sections] == ["For you"]


def test_new_versions_are_told_once():
    papers = [paper(1, seen="2020-01-01T00:00:00Z", version=3)]
    updated = np.array([True])
    first = select(given(papers, updated=updated, seen_version=lambda p: 2))
    assert [(s.name, s.entries[0].why) for s in first.digest.sections[1:]] == [("New versions", "now v3; you starred or read v2")]
    assert first.told_versions == {"2608.00001": 3}
    again = select(given(papers, updated=updated, told_versions=first.told_versions)).digest
    assert all(section.name != "New versions" for section in again.sections)


def test_since_takes_dates_times_and_spans():
    now = datetime(2026, 8, 14, 7, 30, tzinfo=timezone.utc)
    assert parse_since("2026-08-01", now) == "2026-08-01T00:00:00Z"
    assert parse_since("2026-08-01T09:15+02:00", now) == "2026-08-01T07:15:00Z"
    assert parse_since("3d", now) == "2026-08-11T07:30:00Z"
    assert parse_since("12h", now) == "2026-08-13T19:30:00Z"
    assert parse_since("999999w", now) == "0001-01-01T00:00:00Z"
    for junk in ("yesterday", "3x", "-3d", "x" * 5000, "2026-13-01"):
        with pytest.raises(ValueError, match="not a time"):
            parse_since(junk, now)


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> [bold]red[/bold] \x1b]0;pwned\x07\x1b[2J *x* ~~s~~ `c` <img src=http://evil.example/x.png>"


def hostile_digest() -> Digest:
    evil = Paper(title=HOSTILE, abstract="", arxiv_id="2608.00001", authors=(HOSTILE, "B", "C", "D"))
    return Digest("2026-08-13T07:00:00Z", "2026-08-14T07:00:00Z", 1, 0, (Section("Saved search: " + HOSTILE, (Entry(evil, "matches " + HOSTILE),)),))


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def html_problems(html: str) -> list[str]:
    """What makes an HTML digest not self-contained, or unsafe to open."""
    parser = Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.tags:
        if tag in ("script", "style", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "form", "base"):
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("src", "srcset", "background", "poster"):
                problems.append(f"{tag} {name}={value}")
            if name == "href" and (tag != "a" or not (value or "").startswith("https://arxiv.org/")):
                problems.append(f"{tag} href={value}")
            if name == "style" and ("url(" in value or "@import" in value or "expression(" in value):
                problems.append(f"{tag} style={value}")
    return problems


def test_hostile_titles_come_out_escaped_in_every_format():
    digest = hostile_digest()
    html = digest_html(digest)
    assert html_problems(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "\x1b" not in html and "\x07" not in html
    parser = Elements()
    parser.feed(html)
    assert "<script>alert(1)</script>" in parser.text  # shown as text
    markdown = digest_markdown(digest)
    assert "\\<script\\>" in markdown and "<script>" not in markdown and "\\[bold\\]" in markdown and "\\~\\~s\\~\\~" in markdown
    assert "\\*x\\*" in markdown and "\x1b" not in markdown
    text = digest_text(digest)
    assert "<script>alert(1)</script> [bold]red[/bold]" in text  # plain text is not markup
    assert all(ch in "\n" or ch.isprintable() for ch in text), [ch for ch in text if not ch.isprintable() and ch != "\n"]
    assert "B, C et al." in text and ", D" not in text


def test_the_html_problems_check_finds_what_it_looks_for():
    assert html_problems('<p><script>x</script><img src="https://x/y.png"><a href="https://evil.example/">a</a>'
                         '<div style="background:url(https://x/y)"></div><link href="https://x/y.css"></p>') == [
        "<script>", "<img>", "img src=https://x/y.png", "a href=https://evil.example/", "div style=background:url(https://x/y)",
        "<link>", "link href=https://x/y.css"]  # fmt: skip


# --- three real days, fetched ------------------------------------------------------------------


@pytest.fixture
def morning(capsys, feeds, tmp_path, monkeypatch):
    """Three days fetched, three papers starred, two dismissed, one author watched."""
    config = tmp_path / "config.toml"
    config.write_text(f'[watch]\nauthors = ["{WATCHED_AUTHOR}"]\n', encoding="utf-8")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    code, _, err = run(capsys, "fetch", "hf", *DAYS)
    assert code == 0, err
    assert run(capsys, "mark", *STARRED, "--star")[0] == 0
    assert run(capsys, "mark", *DISMISSED, "--dismiss")[0] == 0
    return config


def load_library() -> list[Paper]:
    from papertui.corpus import load_corpus
    from papertui.sources.library import library_dir

    return load_corpus([library_dir()]).papers


def fetched() -> dict[str, dict]:
    """The fetched papers by arXiv id, as the recorded answers give them."""
    papers = {}
    for day in ("2024-10-21", "2024-10-22", "2024-10-23"):
        for item in json.loads((Path(__file__).parent / "feeds" / "hf-daily" / f"{day}.json").read_text()):
            papers[item["paper"]["id"]] = item["paper"]
    return papers


def test_the_morning_digest(capsys, morning):
    code, out, err = run(capsys, "digest", "--limit", "5")
    assert code == 0, err
    found = sections(out)
    assert list(found) == ["Watched", "For you", "Most upvoted"]
    papers = fetched()
    by_author = sorted(i for i, p in papers.items() if any(a["name"] == WATCHED_AUTHOR for a in p["authors"]))
    assert len(by_author) == 3 and sorted(ids_in(found["Watched"])) == by_author
    assert found["Watched"].count(f"watched author: {WATCHED_AUTHOR}") == 3
    for_you = ids_in(found["For you"])
    assert len(for_you) == 5 and not set(for_you) & (set(by_author) | set(STARRED) | set(DISMISSED))
    assert found["For you"].count("like your starred “") == 5  # the nearest starred paper, by title
    listed = ids_in(out)
    assert not set(DISMISSED) & set(listed) and len(listed) == len(set(listed))  # each paper once
    assert ids_in(found["Most upvoted"])[0] == MOST_UPVOTED and "51 upvotes on Hugging Face" in found["Most upvoted"]
    assert f"{len(papers) - 2} new papers" in out and "2 dismissed left out" in out

    code, again, err = run(capsys, "digest")
    assert code == 0 and again.startswith("Nothing new since 20") and again.count("\n") == 1, again
    assert again.endswith(" UTC: run 'papertui fetch' first, or give --since to look further back.\n")
    assert read_mark().last == max(p.first_seen for p in load_library())


@pytest.fixture
def words_only(monkeypatch):
    """For you by words alone: the meaning vectors take a second to build, and
    test_the_morning_digest has them."""
    from papertui.recommend import semantic

    monkeypatch.setattr(semantic, "available", lambda: "left out in this test")


def test_html_and_text_since_and_saved_searches(capsys, morning, words_only, tmp_path):
    from papertui.settings import Remembered

    Remembered().save_search("judges", "judge")
    page = tmp_path / "digest.html"
    code, out, err = run(capsys, "digest", "--format", "html", "--output", str(page), "--limit", "5")
    assert (code, out) == (0, ""), err
    html = page.read_text(encoding="utf-8")
    assert html_problems(html) == [] and "<table" not in html and "max-width:640px" in html
    parser = Elements()
    parser.feed(html)
    assert [attrs for tag, attrs in parser.tags if tag == "h2"] and "Saved search: judges" in parser.text
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    assert links and all(link.startswith("https://arxiv.org/abs/") for link in links)
    assert f"https://arxiv.org/abs/{MOST_UPVOTED}" in links and not {f"https://arxiv.org/abs/{i}" for i in DISMISSED} & set(links)
    mark_after = read_mark()

    assert run(capsys, "digest", "--format", "text")[1].startswith("Nothing new since ")
    code, text, err = run(capsys, "digest", "--since", "1d", "--format", "text")  # a look back: the papers again
    assert code == 0, err
    lines = text.splitlines()
    assert "Watched" in lines and "For you" in lines and "Saved search: judges" in lines
    judges = lines[lines.index("Saved search: judges") + 2 :]
    assert judges[0].startswith("* CompassJudger-1") and judges[2] == "  matches judge; also under Most upvoted"
    assert all(line.isprintable() for line in lines)
    assert read_mark() == mark_after  # --since did not move the mark
    assert run(capsys, "digest")[1].startswith("Nothing new since ")


def test_a_digest_that_cannot_be_written_leaves_the_mark(capsys, morning, words_only, tmp_path):
    code, out, err = run(capsys, "digest", "--output", str(tmp_path))  # a directory
    assert code == 1 and err.splitlines()[-1].startswith(f"papertui: error: cannot write the digest to {tmp_path}: ")
    assert read_mark().last is None
    code, out, err = run(capsys, "digest", "--format", "text")
    assert code == 0 and "Watched" in out.splitlines()


def test_since_looks_back_without_moving_the_mark(capsys, morning, words_only):
    code, out, err = run(capsys, "digest", "--since", "2d", "--format", "text")
    assert code == 0 and "Watched" in out.splitlines(), err
    assert read_mark().last is None  # the next digest still lists these papers
    assert "Watched" in run(capsys, "digest", "--format", "text")[1].splitlines()


def test_usage_errors(capsys):
    for argv in (["--since", "yesterday"], ["--format", "pdf"], ["--limit", "-1"]):
        code, out, err = run(capsys, "digest", *argv)
        assert code == 2 and err.count("\n") == 1, (argv, err)


def test_for_you_builds_vectors_of_new_labelled_and_a_sample_only(monkeypatch):
    """A large library: the recommender is built over the new papers, the starred, dismissed
    and read ones, and a fixed-size sample of the rest; its picks map back to the library."""
    import papertui.digest.select as select_module

    monkeypatch.setattr(select_module, "BACKGROUND", 5)
    old = "2026-08-01T00:00:00Z"
    papers = [paper(n, upvotes=n, seen=old) for n in range(1, 41)]  # 40 old papers
    papers += [paper(n, upvotes=n) for n in range(41, 46)]  # 5 new ones: 41..45
    flags = np.zeros(len(papers), dtype=bool)
    starred, read, dismissed = flags.copy(), flags.copy(), flags.copy()
    starred[[2, 7]], read[10], dismissed[[20, 44]] = True, True, True
    built = []

    class ByUpvotes(Ranking):
        def __init__(self, chosen):
            built.append(list(chosen))
            super().__init__(chosen, [p.upvotes for p in chosen])

    digest = select(given(papers, starred=starred, read=read, weak=read & ~starred, dismissed=dismissed, recommender=ByUpvotes, limit=2)).digest
    (chosen,) = built
    ids = {p.arxiv_id for p in chosen}
    assert {papers[i].arxiv_id for i in (2, 7, 10, 20, 40, 41, 42, 43)} <= ids  # new, starred, read, dismissed
    assert len(chosen) == 9 + 5  # and five of the 31 others
    for_you = digest.sections[0]
    assert [e.paper for e in for_you.entries] == [papers[43], papers[42]]  # 45 is dismissed

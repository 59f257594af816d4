"""Not interested (dismissed papers leave every answer but `is:dismissed`) and the watch list
(authors and words, from the config's [watch] and watch.json; `is:watched`)."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from helpers import make_paper
from papertui.marks.personal import PersonalFacts
from papertui.marks.store import STATE_FILE, MarkStore
from papertui.marks.undo import MarkHistory
from papertui.search import SearchIndex
from papertui.search.query import parse_query
from papertui.search.sorting import Sorter


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    """The watch list reads the config file: never the user's own."""
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))


def library():
    return [
        make_paper("Diffusion models for images", "We denoise images step by step.", arxiv_id="2401.00001", authors=["Yann LeCun"]),
        make_paper("Diffusion policies for robots", "Robots learn by denoising actions.", arxiv_id="2401.00002", authors=["Jane Smith"]),
        make_paper("Graph networks", "Message passing on graphs, not diffusion.", arxiv_id="2401.00003", authors=["Hans Müller"]),
        make_paper("Protein folding", "Structures from sequences.", arxiv_id="2401.00004", authors=["John Smith"]),
        make_paper("Quokka smiles explained", "Marsupials and their diffusion across islands."),
    ]


def ids(papers, rows):
    return [papers[i].arxiv_id or papers[i].title for i in rows]


# --- dismissals: the marks ----------------------------------------------------------------


def test_a_dismissal_is_saved_read_back_and_counted(tmp_path):
    papers = library()
    store = MarkStore.open(tmp_path)
    marks = store.update(papers[1], dismissed=True)
    assert marks.dismissed and not marks.empty
    store.save()
    assert json.loads((tmp_path / STATE_FILE).read_text())["papers"]["arxiv:2401.00002"]["dismissed"] is True
    again = MarkStore.open(tmp_path)
    assert again.get(papers[1]).dismissed and again.dismissed_count == 1
    assert again.dismissed_mask(papers, len(papers)).tolist() == [False, True, False, False, False]
    again.update(papers[1], dismissed=False)  # taken back: no marks left, no entry
    assert again.get(papers[1]) is None and again.dismissed_count == 0


def test_a_hand_edited_dismissal_is_read_defensively(tmp_path):
    (tmp_path / STATE_FILE).write_text(json.dumps({"version": 1, "papers": {
        "arxiv:2401.00001": {"title": "Diffusion models for images", "arxiv_id": "2401.00001", "dismissed": "yes"},
        "arxiv:2401.00002": {"title": "Diffusion policies for robots", "arxiv_id": "2401.00002", "dismissed": True},
    }}))  # fmt: skip
    store = MarkStore.open(tmp_path)
    assert store.warnings == [] and store.dismissed_count == 1
    assert not store.get(library()[0]).dismissed and store.get(library()[1]).dismissed


def test_a_dismissal_by_another_papertui_is_seen_on_reload(tmp_path):
    papers = library()
    mine, theirs = MarkStore.open(tmp_path), MarkStore.open(tmp_path)
    before = mine.dismissed_version
    theirs.update(papers[3], dismissed=True)
    theirs.save()
    mine.reload()
    assert mine.dismissed_count == 1 and mine.dismissed_version != before


def test_undo_and_redo_a_dismissal():
    papers = library()
    store, history = MarkStore(None), MarkHistory()
    history.before_change(store, papers[0])
    store.update(papers[0], dismissed=True)
    history.close(store, "Dismissed 1 paper")
    assert history.done and store.dismissed_count == 1
    history.undo(store)
    assert store.dismissed_count == 0 and store.get(papers[0]) is None
    history.redo(store)
    assert store.dismissed_count == 1 and store.get(papers[0]).dismissed


# --- dismissals: every search hides them ----------------------------------------------------


@pytest.fixture
def dismissed_two():
    papers = library()
    store = MarkStore(None)
    store.update(papers[0], dismissed=True)
    store.update(papers[4], dismissed=True)
    store.update(papers[1], starred=True)
    return papers, SearchIndex(papers), PersonalFacts(store)


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("", ["2401.00002", "2401.00003", "2401.00004"], 2),  # no query: every paper but the dismissed
        ("diffusion", ["2401.00002", "2401.00003"], 2),  # plain words
        ("title:diffusion", ["2401.00002"], 1),  # a field
        ("'diffusion", ["2401.00002", "2401.00003"], 2),  # a substring
        ("date:>=2024 diffusion", ["2401.00002", "2401.00003"], 1),  # a filter (Quokka has no date)
        ("is:starred | protein", ["2401.00002", "2401.00004"], 0),
        ("is:dismissed", ["2401.00001", "Quokka smiles explained"], 0),  # only them
        ("is:dismissed diffusion", ["2401.00001", "Quokka smiles explained"], 0),
        ("!is:dismissed diffusion", ["2401.00002", "2401.00003"], 0),  # negated: the query left them out itself
        ("-is:dismissed diffusion", ["2401.00002", "2401.00003"], 0),
        ("is:dismissed | is:starred", ["2401.00001", "2401.00002", "Quokka smiles explained"], 0),
    ],
)
def test_dismissed_papers_leave_every_search_but_is_dismissed(dismissed_two, query, shown, hidden):
    papers, index, personal = dismissed_two
    result = index.search(query, personal)
    assert sorted(ids(papers, result.rows)) == sorted(shown)
    assert result.hidden == hidden
    if result.matched is not None:
        assert sorted(ids(papers, result.matched)) == sorted(shown)
    again = index.answered(parse_query(query), personal)  # the cached answer says the same
    assert again is not None and sorted(ids(papers, again.rows)) == sorted(shown) and again.hidden == hidden


@pytest.mark.parametrize("order", ["relevance", "corpus", "title", "date", "starred", "newest", "for-you"])
def test_sorted_results_never_bring_dismissed_papers_back(dismissed_two, order):
    papers, index, personal = dismissed_two
    for query in ("", "diffusion"):
        result = index.search(query, personal)
        starred = personal.marks.mask(papers, len(papers), lambda marks: marks.starred)
        for_you = np.arange(len(papers), dtype=np.float32)  # the dismissed papers would score highest
        rows = Sorter().sort(result, order, papers, starred, for_you)
        assert not {"2401.00001", "Quokka smiles explained"} & set(ids(papers, rows)), (query, order)


def test_a_dismissal_changes_the_cached_answers(dismissed_two):
    papers, index, personal = dismissed_two
    assert ids(papers, index.search("protein", personal).rows) == ["2401.00004"]
    assert ids(papers, index.search("title:protein", personal).rows) == ["2401.00004"]
    personal.marks.update(papers[3], dismissed=True)
    for query in ("protein", "title:protein"):
        assert index.answered(parse_query(query), personal) is None  # not the stale answer
        result = index.search(query, personal)
        assert list(result.rows) == [] and result.hidden == 1
    personal.marks.update(papers[3], dismissed=False)
    assert ids(papers, index.search("protein", personal).rows) == ["2401.00004"]


def test_a_star_keeps_the_cached_answer_to_plain_words(dismissed_two):
    papers, index, personal = dismissed_two
    first = index.search("diffusion", personal)
    personal.marks.update(papers[2], starred=True)  # not a dismissal: the hiding is the same
    assert index.answered(parse_query("diffusion"), personal).rows is first.rows


def test_a_longer_query_narrowed_from_the_last_still_counts_what_it_hides(dismissed_two):
    papers, index, personal = dismissed_two
    index.search("diffusion", personal)
    result = index.search("diffusion images", personal)
    assert list(result.rows) == [] and result.hidden == 1


def test_without_dismissals_nothing_is_hidden_and_an_empty_query_stays_a_range():
    papers = library()
    index = SearchIndex(papers)
    result = index.search("", PersonalFacts(MarkStore(None)))
    assert isinstance(result.rows, range) and result.hidden == 0


def test_every_paper_without_an_index_hides_the_dismissed_too(dismissed_two):
    from papertui.search.index import every_paper

    papers, _, personal = dismissed_two
    result = every_paper(parse_query(""), papers, personal)
    assert ids(papers, result.rows) == ["2401.00002", "2401.00003", "2401.00004"] and result.hidden == 2
    assert len(every_paper(parse_query("is:dismissed"), papers, personal).rows) == len(papers)  # the filter then chooses


def test_for_you_by_tag_learns_from_the_dismissed_and_the_read_but_not_starred(dismissed_two, monkeypatch):
    papers, index, personal = dismissed_two
    store = personal.marks
    store.update(papers[1], tags=["robots"])
    store.update(papers[3], read=True)  # read, not starred or tagged: a weak negative
    store.update(papers[2], read=True, starred=True)  # read and starred: no negative
    calls = []

    class Recommender:
        size = len(papers)

        def train(self, starred, dismissed=(), weak=()):
            calls.append((list(starred), sorted(dismissed), sorted(weak)))
            return type("ForYou", (), {"scores": np.zeros(len(papers), dtype=np.float32)})()

    personal.recommender = Recommender()
    index.search("for:robots", personal)
    assert calls == [([1], [0, 4], [3])]


# --- papertui mark --dismiss ---------------------------------------------------------------


def run(capsys, *argv):
    from papertui.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_mark_dismiss_and_undismiss_from_the_shell(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("papertui.cli.mark._known_titles", lambda ids: {"2401.00002": "Diffusion policies for robots"})
    code, out, err = run(capsys, "mark", "2401.00002", "arXiv:2401.00003v2", "--dismiss")
    assert code == 0 and out.splitlines() == [
        "2401.00002: dismissed · Diffusion policies for robots",
        "2401.00003: dismissed · (not in the loaded papers; marked by id)",
    ]
    store = MarkStore.open()
    assert store.dismissed_count == 2
    code, out, err = run(capsys, "mark", "2401.00003", "--undismiss", "--star")
    assert code == 0 and out.startswith("2401.00003: starred ·")
    assert MarkStore.open().dismissed_count == 1
    code, out, err = run(capsys, "mark", "2401.00002", "--dismiss", "--undismiss")
    assert code == 2 and "not allowed with argument" in err
    code, out, err = run(capsys, "mark", "not-an-id", "--dismiss")  # malformed: said, and nothing marked
    assert code == 2 and "not-an-id" in err and "no arXiv id to mark" in err
    code, out, err = run(capsys, "mark", "2401.00009", "nonsense", "--dismiss")  # the good one is marked
    assert "nonsense" in err and "2401.00009: dismissed" in out
    assert MarkStore.open().dismissed_count == 2
    code, out, err = run(capsys, "mark", "2401.00009")
    assert code == 2 and "--dismiss" in err


# --- watch: matching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "watched, written",
    [
        ("Hans Müller", "Hans Muller"), ("Hans Müller", "HANS MÜLLER"), ("Müller", "hans muller"),
        ("Y. LeCun", "Yann LeCun"), ("Yann LeCun", "LeCun, Yann"), ("Yann LeCun", "Y LeCun"), ("LeCun, Y.", "Yann LeCun"),
        ("Yann LeCun", "Yann Le Cun"), ("LeCun", "Yann LeCun"), ("LeCun", "LeCun, Y."),
        ("Jean-Pierre Serre", "J.-P. Serre"), ("J.-P. Serre", "Jean Pierre Serre"), ("JP Serre", "Jean-Pierre Serre"),
        ("Geoffrey E. Hinton", "Geoffrey Hinton"), ("Geoffrey Hinton", "G. E. Hinton"), ("Hinton, Geoffrey E.", "Geoffrey Everest Hinton"),
        ("J. Smith", "John Smith"), ("J. Smith", "Jane Smith"),  # an initial is both: accepted, and documented
        ("Ludwig van Beethoven", "Beethoven, Ludwig van"), ("Martin Luther King Jr.", "King, Martin Luther"),
        ("Balázs Kégl", "Balazs Kegl"),
    ],
)  # fmt: skip
def test_the_same_author_written_otherwise(watched, written):
    from papertui.marks.watch import WatchList, same_author

    assert same_author(watched, written) and same_author(written, watched)
    paper = make_paper("t", authors=["Someone Else", written])
    watch = WatchList(authors=(watched,))
    assert watch.mask([make_paper("x", authors=["A. Nobody"]), paper], 2).tolist() == [False, True]
    assert watch.reason(paper) == f"watched author: {watched}"


@pytest.mark.parametrize(
    "watched, written",
    [
        ("John Smith", "Jane Smith"), ("Geoffrey E. Hinton", "Geoffrey F. Hinton"), ("Yann LeCun", "Yann Lecunn"),
        ("Le Song", "Song Le"), ("Hans Müller", "Hans Miller"), ("Jean-Pierre Serre", "Jean-Paul Serre"), ("Smith", "Smithson, John"),
        ("Y. LeCun", "X. LeCun"),
    ],
)  # fmt: skip
def test_different_people_do_not_match(watched, written):
    from papertui.marks.watch import WatchList, same_author

    assert not same_author(watched, written) and not same_author(written, watched)
    assert WatchList(authors=(watched,)).mask([make_paper("t", authors=[written])], 1).tolist() == [False]


@pytest.mark.parametrize(
    "word, title, abstract, watched",
    [
        ("diffusion", "Diffusion-based planning", "", True),  # as the search splits words
        ("diffusion", "Diffusions", "", False),  # whole words only
        ("diffusion", "", "reaction–diffusion systems", True),
        ("diffusion", "x", "confusion", False),
        ("Étude", "", "an etude of the ETUDE", True),  # accents and case folded
        ("etude", "Une étude", "", True),
        ("state space model", "", "A State-Space  Model for text", True),  # a phrase: its words in a row
        ("state space model", "", "state space, and a model", False),
        ("state space model", "state space", "model", False),  # not across the title and the abstract
        ("GPT-4", "", "we prompt gpt 4 twice", True),
    ],
)
def test_watched_words_and_phrases(word, title, abstract, watched):
    from papertui.marks.watch import WatchList

    watch = WatchList(words=(word,))
    paper = make_paper(title, abstract)
    assert watch.mask([make_paper("nothing here"), paper], 2).tolist() == [False, watched]
    assert watch.reason(paper) == (f"watched word: {word}" if watched else None)


def test_the_pre_check_survives_a_text_holding_its_separators():
    from papertui.marks.watch import WatchList

    papers = [make_paper("Noise \x01 here", "x\x00y"), make_paper("t", "about diffusion"), make_paper("u", authors=["Yann\x01 LeCun"])]
    assert WatchList(authors=("LeCun",), words=("diffusion",)).mask(papers, 3).tolist() == [False, True, True]


# --- watch: the config and watch.json ------------------------------------------------------


def write_config(tmp_path, monkeypatch, text):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    return config


def test_the_watch_list_comes_from_the_config_and_from_the_app(tmp_path, monkeypatch, data_dir):
    from papertui.marks.watch import WatchList, unwatch_author, watch_author

    write_config(tmp_path, monkeypatch, '[watch]\nauthors = ["Yann LeCun", "Hinton, Geoffrey"]\nwords = ["diffusion", "state space model"]\n')
    watch_author("Jane Smith")
    watch_author("jane smith")  # already there
    watch = WatchList.load()
    assert watch.authors == ("Yann LeCun", "Hinton, Geoffrey", "Jane Smith") and watch.words == ("diffusion", "state space model")
    assert watch.problems == () and not watch.empty
    assert json.loads((data_dir / "watch.json").read_text())["authors"] == ["Jane Smith"]
    assert unwatch_author("Jane Smith") and not unwatch_author("Yann LeCun")  # the config's stays
    assert WatchList.load().authors == ("Yann LeCun", "Hinton, Geoffrey")
    assert WatchList.load(config=tmp_path / "elsewhere.toml").empty


@pytest.mark.parametrize(
    "text, problem, authors, words",
    [
        ('[watch]\nauthors = "Yann LeCun"\nwords = 3\n', "[watch] words = 3: give a list of words", ("Yann LeCun",), ()),
        ('[watch]\nauthors = ["A B", 7]\nwords = ["diffusion"]\n', "[watch] authors = ['A B', 7]: give a list of names", (), ("diffusion",)),
        ('watch = "LeCun"\n', "watch = 'LeCun': give a table", (), ()),
        ('[watch]\nwords = ["!!!", "graphs"]\nauthor = ["x"]\n', "'!!!' has no letters or digits", (), ("graphs",)),
        ('[watch\nwords = ["x"]\n', "is not valid TOML", (), ()),
    ],
)
def test_a_config_of_the_wrong_types_is_one_line_and_the_rest_loads(tmp_path, monkeypatch, text, problem, authors, words):
    from papertui.marks.watch import WatchList

    write_config(tmp_path, monkeypatch, text)
    watch = WatchList.load()
    assert watch.authors == authors and watch.words == words
    assert any(problem in line for line in watch.problems), watch.problems
    assert all("\n" not in line for line in watch.problems)


def test_a_damaged_watch_file_is_moved_aside_and_the_config_still_counts(tmp_path, monkeypatch, data_dir):
    from papertui.marks.watch import WatchList, watch_author

    write_config(tmp_path, monkeypatch, '[watch]\nwords = ["graphs"]\n')
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "watch.json").write_text('{"authors": ["Jane', encoding="utf-8")
    watch = WatchList.load()
    assert watch.words == ("graphs",) and watch.authors == ()
    assert len(watch.problems) == 1 and "is damaged" in watch.problems[0] and "moved aside to watch.json.damaged-" in watch.problems[0]
    assert [p.name for p in data_dir.iterdir() if p.name.startswith("watch.json.damaged-")]
    assert not (data_dir / "watch.json").exists()
    watch_author("Jane Smith")  # a new file; the damaged one kept aside
    assert WatchList.load().authors == ("Jane Smith",)


def test_is_watched_filters_by_the_watch_list(tmp_path, monkeypatch):
    from papertui.marks.watch import WatchList

    write_config(tmp_path, monkeypatch, '[watch]\nauthors = ["Y. LeCun"]\nwords = ["protein"]\n')
    papers = library()
    index, personal = SearchIndex(papers), PersonalFacts(MarkStore(None))
    assert sorted(ids(papers, index.search("is:watched", personal).rows)) == ["2401.00001", "2401.00004"]  # read lazily
    assert ids(papers, index.search("!is:watched graph", personal).rows) == ["2401.00003"]
    personal.watch = WatchList(authors=("Müller",))  # set again (the app, after w): not the cached answer
    assert ids(papers, index.search("is:watched", personal).rows) == ["2401.00003"]
    personal.marks.update(papers[2], dismissed=True)  # dismissed: hidden even when watched
    result = index.search("is:watched", personal)
    assert list(result.rows) == [] and result.hidden == 1


# --- papertui list ---------------------------------------------------------------------------


@pytest.fixture
def papers_file(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps({"id": p.arxiv_id, "title": p.title, "abstract": p.abstract}) + "\n" for p in library()[:4]))
    return path


def test_list_leaves_the_dismissed_out_unless_asked(capsys, papers_file):
    store = MarkStore.open()
    store.update(library()[0], dismissed=True)
    store.save()
    for query in ([], ["--query", "diffusion"], ["--sort", "title"], ["--format", "json"]):
        code, out, err = run(capsys, "list", str(papers_file), "--no-library", *query)
        assert code == 0 and "2401.00001" not in out and "2401.00002" in out, (query, out)
    code, out, err = run(capsys, "list", str(papers_file), "--no-library", "--query", "is:dismissed", "--format", "links")
    assert out.split() == ["https://arxiv.org/abs/2401.00001"]


def test_is_new_of_a_saved_search_from_cron_counts_from_the_last_listing(capsys, papers_file, data_dir):
    from papertui.cli.list_papers import new_since
    from papertui.settings import Remembered
    from papertui.sources.library import note_opening

    note_opening(when="2024-01-01T00:00:00Z")
    assert new_since(None) == new_since("robots") == "2024-01-01T00:00:00Z"  # never opened nor listed: the app's opening
    Remembered().save_search("robots", "robots", when="2024-02-01T00:00:00Z")
    assert new_since("robots") == "2024-02-01T00:00:00Z"
    code, out, err = run(capsys, "list", str(papers_file), "--no-library", "--saved", "robots", "--query", "is:new", "--peek")
    assert code == 0 and new_since("robots") == "2024-02-01T00:00:00Z"  # a peek records nothing
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    code, out, err = run(capsys, "list", str(papers_file), "--no-library", "--saved", "robots", "--query", "is:new")
    assert code == 0 and new_since("robots") >= before  # the next cron run lists only what came since
    assert new_since(None) == "2024-01-01T00:00:00Z"  # is:new without --saved: as before
    code, out, err = run(capsys, "list", str(papers_file), "--no-library", "--saved", "robots")
    assert json.loads((data_dir / "listed.json").read_text())["listed"]["robots"] >= before



def test_list_help_says_what_is_new_means_from_cron():
    from papertui.cli.list_papers import list_parser

    text = " ".join(list_parser().format_help().split())
    assert "with --saved NAME, since NAME was last opened in the app or listed here with is:new" in text and "--peek" in text


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
def test_the_watch_mask_grows_with_the_papers_not_faster():
    """n and 8n papers, each by a watched family name's namesakes and full of the watched
    word's first half (the most the quick pre-check lets through to be read one by one)."""
    from papertui.marks.watch import WatchList

    def papers(n):
        return [
            make_paper(f"Diffusion paper {i}", "diffusion diffusion diffusion model é " * 20, authors=[f"Bo{i} LeCun", "Ann Other"])
            for i in range(n)
        ]

    watch = WatchList(authors=("Yann LeCun",), words=("diffusion models", "naïve"))
    small, large = papers(300), papers(2400)

    def seconds(chosen):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            mask = watch.mask(chosen, len(chosen))
            best = min(best, time.perf_counter() - start)
        assert not mask.any()  # nothing matches: every candidate was read to the end
        return best

    assert seconds(large) < 8 * 2.5 * seconds(small)


def test_watched_among_reads_only_the_papers_of_the_rows_given():
    """Counting the new watched papers checks the new papers, not every paper."""
    from papertui.marks.watch import watched_among

    given: list[int] = []

    class Counting:
        def mask(self, papers, size):
            given.append(size)
            return np.array([paper.title.endswith("1") for paper in papers[:size]], dtype=bool)

    papers = [make_paper(f"Paper {n}") for n in range(12)]
    assert watched_among(Counting(), papers, np.array([1, 4, 11])).tolist() == [1, 11]
    assert given == [3]
    assert watched_among(Counting(), papers, np.array([], dtype=np.int64)).tolist() == [] and given == [3]

"""The query language: how queries are read, and that the index evaluates them exactly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import brute_force_query, make_paper
from papertui.search import SearchIndex
from papertui.search import index as index_module
from papertui.search.query import Term, date_matches, parse_query
from papertui.search.vocabulary import word_set
from papertui.marks.store import MarkStore
from test_search import _mangled


def terms(text: str) -> list[list[str]]:
    return [[str(term) for term in group] for group in parse_query(text).groups]


@pytest.mark.parametrize(
    "text, groups",
    [
        ("graph neural", [["graph"], ["neural"]]),
        ("a | b c", [["a", "b"], ["c"]]),
        ("x a | b | c", [["x"], ["a", "b", "c"]]),
        ("'exact", [["'exact"]]),
        ("'exact'", [["'exact"]]),
        ('"a phrase" z', [['"a phrase"'], ["z"]]),
        ("!word", [["!'word"]]),
        ("^start end$ ^whole$", [["^start"], ["end$"], ["^whole$"]]),
        ("title:diffusion t:x abs:'GSM8K abstract:y", [["title:diffusion"], ["title:x"], ["abstract:'GSM8K"], ["abstract:y"]]),
        ('title:"two words"', [['title:"two words"']]),
        ("!t:survey", [["!title:'survey"]]),
        ("id:2406 source:Daily date:mar date:>=2024-03", [["id:2406"], ["source:daily"], ["date:mar"], ["date:>=2024-03"]]),
        ("is:starred is:read is:unread !is:unread", [["is:starred"], ["is:read"], ["!is:read"]]),  # the last repeats is:read
        ("tag:To-Read has:id has:CODE", [["tag:to-read"], ["has:id"], ["has:code"]]),
        ("Thought: simply", [["Thought:"], ["simply"]]),
        ("a a", [["a"]]),
    ],
)
def test_queries_are_read_as_documented(text, groups):
    query = parse_query(text)
    assert terms(text) == groups and query.notes == ()


@pytest.mark.parametrize(
    "text, groups, note",
    [
        ('foo "bar', [["foo"], ['"bar']], 'unbalanced "'),
        ("! foo", [["foo"]], "lone '!'"),
        ("| foo", [["foo"]], "lone '|'"),
        ("foo |", [["foo"]], "lone '|'"),
        ("foo | | bar", [["foo", "bar"]], "lone '|'"),
        ('""', [], "empty quotes"),
        ("title:", [], "'title:' needs a value"),
        ("writer:smith", [["writer:smith"]], "'writer:' is not a field"),
        ("is:fancy", [["is fancy"]], "is:fancy is not a filter"),
        ("has:pdf", [["has pdf"]], "has:pdf is not a filter"),
        ("date:>march", [["date:>march"]], "a date to compare"),
    ],
)
def test_malformed_queries_are_read_literally_and_say_so(text, groups, note):
    query = parse_query(text)
    assert terms(text) == groups
    assert any(note in n for n in query.notes), query.notes


def test_smart_case_and_plain_fast_path():
    assert parse_query("'BERT").groups[0][0].case_sensitive
    assert not parse_query("'bert").groups[0][0].case_sensitive
    assert parse_query("graph neural nets").plain_words == ("graph", "neural", "nets")
    # A compound typed as one is its joined word (Graph-Neural, GraphNeural), still the fast path.
    assert parse_query("graph-neural nets").plain_words == ("graphneural", "nets")
    assert parse_query("graph | nets").plain_words is None
    assert parse_query("is:starred").uses_marks and not parse_query("has:code").uses_marks


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_without_raising(text):
    query = parse_query(text)
    assert all(isinstance(term, Term) for group in query.groups for term in group)
    assert all(group for group in query.groups)


def test_date_bounds():
    assert date_matches(20240314, "=", "2024-03") and not date_matches(20240401, "=", "2024-03")
    assert date_matches(20240401, ">", "2024-03") and not date_matches(20240331, ">", "2024-03")
    assert date_matches(20240300, ">=", "2024-03") and not date_matches(20240229, ">=", "2024-03")
    assert date_matches(20231231, "<", "2024") and not date_matches(20240101, "<", "2024")
    assert date_matches(20240399, "<=", "2024-03") and not date_matches(0, "<=", "2024")


# --- evaluation: the index agrees with a paper-by-paper scan ------------------------------


@pytest.fixture(scope="module")
def marked(seed_corpus, tmp_path_factory):
    """Marks on a few seed papers: stars, read, tags."""
    store = MarkStore(tmp_path_factory.mktemp("marks") / "state.json")
    papers = seed_corpus.papers
    for number in (0, 5, 17, 120, 300):
        store.update(papers[number], starred=True)
    for number in (5, 6, 7, 250):
        store.update(papers[number], read=True, tags=["to-read"] if number % 2 else ["survey", "x"])
    return store


FIXED = [
    "masked | reasoning",
    "llm agent | reward",
    "!model",
    "language !model",
    "'GSM8K",
    "'gsm8k math",
    '"large language models"',
    "^a",
    "models$",
    "^Masked Thought: Simply Masking Partial Reasoning Steps Can Improve Mathematical Reasoning Learning of Language Models$",
    "t:diffusion",
    "abs:diffusion",
    "t:agent | abs:agent",
    "id:2406",
    "!has:id",
    "has:code",
    "has:code agent",
    "date:mar",
    "date:>=2024-06",
    "source:003",
    "is:starred",
    "is:unread reasoning",
    "tag:to-read | tag:survey",
    "!tag:x",
    "!is:starred diffusion | llm",
    "'the",
    "!'learning",
]


@pytest.mark.parametrize("text", FIXED)
def test_fixed_queries_match_a_paper_by_paper_scan(seed_corpus, marked, text):
    index = SearchIndex(seed_corpus.papers)
    expected = brute_force_query(seed_corpus.papers, text, marked)
    assert list(index.search(text, marked).rows) == expected


def test_fixed_queries_select_something(seed_corpus, marked):
    index = SearchIndex(seed_corpus.papers)
    empty = [text for text in FIXED if not index.search(text, marked).rows]
    assert empty == []  # every fixed query exercises a real match


def _operator(draw, vocabulary) -> str:
    word = draw(st.sampled_from(vocabulary))
    kind = draw(st.sampled_from(["word", "word", "not", "exact", "phrase", "start", "end", "title", "abs", "filter"]))
    if kind == "word":
        return _mangled(draw, word)
    if kind == "not":
        return "!" + word[: draw(st.integers(1, len(word)))]
    if kind == "exact":
        return "'" + word[draw(st.integers(0, len(word) - 1)) :]
    if kind == "phrase":
        return f'"{word} {draw(st.sampled_from(vocabulary))}"'
    if kind == "start":
        return "^" + word[: draw(st.integers(1, len(word)))]
    if kind == "end":
        return word[draw(st.integers(0, len(word) - 1)) :] + "$"
    if kind in ("title", "abs"):
        return f"{kind}:{_mangled(draw, word)}"
    return draw(st.sampled_from(["has:id", "has:code", "!has:id", "is:starred", "is:unread", "tag:to-read", "id:24", "date:>=2024-06", "source:001"]))


@st.composite
def operator_queries(draw, vocabulary):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(_operator(draw, vocabulary))
        if draw(st.integers(0, 3)) == 0:
            parts += ["|", _operator(draw, vocabulary)]
    return " ".join(parts)


def test_random_operator_queries_match_a_paper_by_paper_scan(seed_corpus, marked):
    index = SearchIndex(seed_corpus.papers)
    vocabulary = sorted({w.decode() for p in seed_corpus.papers[:60] for w in word_set(p.title)})

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(operator_queries(vocabulary))
    def check(text):
        assert list(index.search(text, marked).rows) == brute_force_query(seed_corpus.papers, text, marked)

    check()


def test_operators_across_segments_and_narrowing(seed_corpus, marked, monkeypatch):
    monkeypatch.setattr(index_module, "MAX_SEGMENT", 37)
    papers = seed_corpus.papers
    index = SearchIndex()
    for start in range(0, len(papers), 100):
        index.add(papers, start, min(len(papers), start + 100))
    # Each query adds a group to the one before: the index narrows the last answer.
    for text in ["llm", "llm !agent", "llm !agent 'model", "llm !agent 'model | reason", "llm !agent 'model | reason has:id"]:
        assert list(index.search(text, marked).rows) == brute_force_query(papers, text, marked), text


def test_marks_filters_follow_changes(tmp_path):
    papers = [make_paper("Zebra crossings at night"), make_paper("Quokka smiles explained")]
    store = MarkStore(tmp_path / "state.json")
    index = SearchIndex(papers)
    assert list(index.search("is:starred", store).rows) == []
    store.update(papers[1], starred=True)
    assert list(index.search("is:starred", store).rows) == [1]
    assert list(index.search("!is:starred", store).rows) == [0]
    store.update(papers[1], starred=False)
    assert list(index.search("is:starred", store).rows) == []


def test_substring_found_in_a_paper_changed_after_indexing():
    papers = [make_paper("Derived title", "About zebras."), make_paper("Other", "Nothing.")]
    index = SearchIndex()
    index.add(papers, 0, 1)
    papers[0].title = "Quokka behaviour"
    index.add(papers, 1, 2, changed=[0])
    assert list(index.search("'okka").rows) == [0]
    assert list(index.search("!'okka").rows) == [1]


def test_substrings_in_non_ascii_text_are_checked_on_the_text():
    papers = [
        make_paper("Über naïve Straße models", "Résumé of the STRASSE case."),
        make_paper("Plain ASCII models", "An abstract about strasse and resumes."),
        make_paper("Ärger mit Modellen", "Nothing else."),
    ]
    index = SearchIndex(papers)
    for text in ["'models", "'naïve", "'strasse", "'straße", "'sum", "!'models", "t:'ärger", "'mod | 'ärg", '"naïve straße"']:
        assert list(index.search(text).rows) == brute_force_query(papers, text), text
    assert list(index.search("'strasse").rows) == [0, 1]  # lower() keeps ß: only the spelled-out forms


def test_a_long_search_stops_when_cancelled_and_leaves_the_index_sound():
    from papertui.search import SearchCancelled

    papers = [make_paper(f"Paper number {n} on zebra gaits", "Zebras walk.") for n in range(9000)]
    index = SearchIndex(papers)
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return True

    with pytest.raises(SearchCancelled):
        index.search('"on zebra"', cancelled=cancelled)
    assert polls  # it was asked, part way through
    assert len(index.search('"on zebra"').rows) == 9000


# --- the fields the importers bring: authors, categories, upvotes -------------------------


@pytest.fixture
def people():
    return [
        make_paper("Diphoton cross sections", authors=("C. Balázs", "E. L. Berger"), categories=("hep-ph",)),
        make_paper("Contrastive loss at scale", authors=("Zesen Cheng", "Hang Zhang"), categories=("cs.CV", "cs.LG"), upvotes=64),
        make_paper("Knowledge editing", authors=("Baixiang Huang",), categories=("cs.CL",), upvotes=41),
        make_paper("No metadata at all"),
        make_paper("Lattice results", authors=("A. Berger",), categories=("hep-lat",), upvotes=0),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("au:balazs", [0]),  # accents optional
        ("author:BALÁZS", [0]),
        ("au:berger", [0, 4]),
        ('au:"zesen cheng"', [1]),
        ("!au:berger", [1, 2, 3]),
        ("cat:hep", [0, 4]),  # a prefix: hep-ph and hep-lat
        ("cat:cs.cl", [2]),
        ("cat:cs", [1, 2]),
        ("cat:cs.c", [1, 2]),
        ("upvotes:>=41", [1, 2]),
        ("upvotes:0", [4]),
        ("upvotes:<41", [4]),  # papers without a count never match a comparison
        ("cat:cs | au:berger", [0, 1, 2, 4]),
        ("au:berger lattice", [4]),
    ],
)
def test_author_category_and_upvote_filters(people, query, expected):
    index = SearchIndex(people)
    assert sorted(index.search(query).rows) == expected


def test_a_bad_upvote_bound_is_noted_and_ignored():
    query = parse_query("upvotes:many graph")
    assert [str(t) for g in query.groups for t in g] == ["graph"]
    assert query.notes == ("upvotes:many: give a number, as in upvotes:>=10; ignored",)

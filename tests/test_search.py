import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import brute_force_search, make_paper
from papertui.search import SearchIndex, match_score, match_spans, query_words, tokenize
from papertui.search import index as index_module
from papertui.search.index import HEAD, RankedRows
from papertui.search.matching import EXACT, INFIX, PREFIX, TYPO, TYPO_PREFIX, index_words
from papertui.packed_arrays import concatenated_ranges
from papertui.search.vocabulary import word_set


@pytest.fixture(scope="module")
def seed_index(seed_corpus):
    return SearchIndex(seed_corpus.papers)


@pytest.fixture(scope="module")
def seed_vocabulary(seed_corpus):
    return sorted({w for p in seed_corpus.papers for w in tokenize(p.title + " " + p.abstract)})


def titles(papers, index, query, n=None):
    rows = index.search(query).rows
    return [papers[i].title for i in (rows if n is None else rows[:n])]


def test_tokenize_and_query_words():
    assert tokenize("LLM-as-a-Judge, GPT-4o_mini!") == ["llm", "as", "a", "judge", "gpt", "4o", "mini"]
    assert query_words("  Masked  masked thought ") == ["masked", "thought"]


@pytest.mark.parametrize(
    "text", ["LLM-as-a-Judge, GPT-4o_mini!", "Ünïcode Straße — naïve ÉCOLE", "x\ty\nz", "", "a.-b 1..2 x-_-y", "DeepResearchEval 3-D"]
)
@pytest.mark.parametrize("parts", [False, True])
def test_fast_word_set_splits_as_index_words_does(text, parts):
    assert word_set(text, parts) == {w.encode() for w in index_words(text, parts)}


def test_compounds_are_words_joined_and_parts():
    # A joined compound is marked: a substring search knows the text does not hold it as written.
    assert index_words("LLM-as-a-Judge, GPT-4o_mini!") == ["llm", "as", "a", "judge", "gpt", "4o", "mini", "llmasajudge\x00", "gpt4o\x00"]
    assert index_words("DeepResearchEval on Qwen2.5-VL", parts=True)[-6:] == ["qwen25vl\x00", "deep", "research", "eval", "qwen", "2"]
    assert index_words("real-time and realtime") == ["real", "time", "and", "realtime"]  # written too: no mark
    assert query_words("q-learning U-Net gpt-4 text-to-video") == ["qlearning", "unet", "gpt4", "texttovideo"]
    assert query_words("q-lea") == ["qlea"]  # still typing: a prefix of the joined word


@pytest.mark.parametrize(
    ("query_word", "word", "score"),
    [
        ("masked", "masked", EXACT),
        ("mask", "masked", PREFIX),
        ("former", "transformer", INFIX),
        ("transfomer", "transformer", TYPO),  # one edit
        ("trasnformer", "transformer", TYPO),  # a transposition is one edit
        ("reinforcment", "reinforcement", TYPO),
        ("reinforcm", "reinforcement", TYPO_PREFIX),  # still typing, with a typo
        ("transfomer", "transfer", pytest.approx(TYPO - 0.1)),  # two edits
        ("mask", "mark", 0.0),  # too short to forgive a typo
        ("xasked", "masked", 0.0),  # typos keep the first letter
        ("ab", "cab", 0.0),  # substrings need three letters
    ],
)
def test_match_score_tiers(query_word, word, score):
    assert match_score(query_word, word) == score


def test_empty_query_is_every_paper_in_corpus_order(seed_index):
    result = seed_index.search("   ")
    assert list(result.rows) == list(range(len(seed_index)))
    assert not result.terms


def test_masked_thought_is_first(seed_corpus, seed_index):
    assert titles(seed_corpus.papers, seed_index, "masked thought", 1) == [
        "Masked Thought: Simply Masking Partial Reasoning Steps Can Improve Mathematical Reasoning Learning of Language Models"
    ]


def test_typos_are_forgiven(seed_corpus, seed_index):
    assert titles(seed_corpus.papers, seed_index, "masekd thuoght", 1)[0].startswith("Masked Thought")
    assert titles(seed_corpus.papers, seed_index, "arboretm", 1)[0].startswith("Arboretum")
    assert titles(seed_corpus.papers, seed_index, "masked zzzzqqq") == []


def test_title_matches_rank_above_abstract_only_matches():
    papers = [
        make_paper("Something else", "This abstract is about diffusion models for images."),
        make_paper("Diffusion for all", "Nothing relevant here at all, honestly."),
    ]
    assert titles(papers, SearchIndex(papers), "diffusion") == ["Diffusion for all", "Something else"]


def test_better_matches_rank_higher_within_titles():
    papers = [make_paper("Transformers are prefix hits"), make_paper("Transformer exactly")]
    assert titles(papers, SearchIndex(papers), "transformer") == ["Transformer exactly", "Transformers are prefix hits"]


@pytest.mark.parametrize("query_word", ["m", "ma", "mas", "mask", "masked", "thougt", "reinforcm", "llm", "gpt4", "zzz", "2024", "ö"])
def test_matched_terms_equal_a_brute_force_scan(seed_index, seed_vocabulary, query_word):
    terms = seed_index.search(query_word).terms
    assert {w for w in seed_vocabulary if w in terms} == {w for w in seed_vocabulary if match_score(query_word, w) > 0}


@pytest.mark.parametrize(
    "query",
    ["llm agent", "reward model", "masked", "graph neural", "speech", "m", "la", "lan", "langu", "languag modle", "2024", "ö"],
)
def test_ranked_rows_equal_a_brute_force_scan(seed_corpus, seed_index, query):
    assert list(seed_index.search(query).rows) == brute_force_search(seed_corpus.papers, query)


def _mangled(draw, word: str) -> str:
    """A word as a user might type it: cut short, with a typo, or a piece from the middle."""
    how = draw(st.sampled_from(["whole", "prefix", "typo", "infix"]))
    if how == "prefix":
        return word[: draw(st.integers(1, len(word)))]
    if how == "infix" and len(word) > 3:
        start = draw(st.integers(1, len(word) - 3))
        return word[start : start + draw(st.integers(3, len(word) - start))]
    if how == "typo" and len(word) > 4:
        at = draw(st.integers(1, len(word) - 2))
        edit = draw(st.sampled_from(["swap", "drop", "add"]))
        if edit == "swap":
            return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        if edit == "drop":
            return word[:at] + word[at + 1 :]
        return word[:at] + draw(st.sampled_from("aeiourst")) + word[at:]
    return word


@st.composite
def queries(draw, vocabulary):
    words = [_mangled(draw, draw(st.sampled_from(vocabulary))) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        words.append(draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789 -", min_size=1, max_size=6)))
    return " ".join(words)


def test_random_queries_rank_as_a_brute_force_scan(seed_corpus, seed_index, seed_vocabulary):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(queries(seed_vocabulary))
    def check(query):
        assert list(seed_index.search(query).rows) == brute_force_search(seed_corpus.papers, query)

    check()


def _grown_in_batches(papers, batch: int) -> SearchIndex:
    """An index grown as a load grows it: `batch` papers at a time."""
    index = SearchIndex()
    for start in range(0, len(papers), batch):
        index.add(papers, start, min(len(papers), start + batch))
    return index


def test_many_segments_grown_while_loading_rank_as_one(seed_corpus, monkeypatch):
    monkeypatch.setattr(index_module, "MAX_SEGMENT", 37)
    papers = seed_corpus.papers
    index = _grown_in_batches(papers, 100)
    assert len(index) == len(papers) and repr(index).endswith("12 segments)")  # cut at every multiple of 37 too
    for query in ["llm agent", "m", "masekd thuoght", "reward model", "diffusion transfomer"]:
        assert list(index.search(query).rows) == brute_force_search(papers, query)


def test_compacting_merges_neighbours_that_fit_and_keeps_every_answer(seed_corpus, monkeypatch):
    monkeypatch.setattr(index_module, "MAX_SEGMENT", 37)
    papers = seed_corpus.papers
    index = _grown_in_batches(papers, 10)
    before = {query: list(index.search(query).rows) for query in ["llm agent", "m", "masekd thuoght", "reward model", "ö", "2024"]}
    index.compact()
    sizes = [segment.stop - segment.start for segment in index._state.segments]
    assert sum(sizes) == len(papers) and set(sizes[:-1]) == {37} and len(sizes) == -(-len(papers) // 37)  # full
    for query, rows in before.items():
        assert list(index.search(query).rows) == rows == brute_force_search(papers, query)


@pytest.mark.parametrize("seed", range(4))
def test_papers_dropped_and_added_again_answer_as_a_new_index(seed_corpus, monkeypatch, seed):
    """What an update of a kept load does: forget some papers, index others at the end."""
    monkeypatch.setattr(index_module, "MAX_SEGMENT", 37)
    rng = random.Random(seed)
    papers = list(seed_corpus.papers)
    index = _grown_in_batches(papers, 50)
    removed = sorted(rng.sample(range(len(papers)), rng.randint(1, len(papers) - 1)))
    rest = [paper for i, paper in enumerate(papers) if i not in set(removed)]
    index.drop(removed, rest)
    queries = ["llm agent", "m", "masekd thuoght", "reward model", "2024", "ö"]
    for query in queries:
        assert list(index.search(query).rows) == brute_force_search(rest, query), query
    grown = rest + [papers[i] for i in removed[:40]]
    index.add(grown, len(rest), len(grown))
    index.compact()
    for query in queries:
        assert list(index.search(query).rows) == brute_force_search(grown, query), query


def test_a_paper_changed_after_indexing_is_found_by_its_new_text():
    papers = [make_paper("Derived title from the abstract", "First abstract about zebras."), make_paper("Other", "Nothing.")]
    index = SearchIndex()
    index.add(papers, 0, 1)
    papers[0].title = "Quokka behaviour"  # a later record brought the real title
    index.add(papers, 1, 2, changed=[0])
    assert list(index.search("quokka").rows) == [0]
    assert list(index.search("derived").rows) == []
    assert list(index.search("zebras").rows) == [0]


def test_adding_a_word_narrows_the_last_result_to_the_same_answer(seed_corpus):
    index = SearchIndex(seed_corpus.papers)
    for query in ["l", "ll", "llm", "llm ", "llm a", "llm ag", "llm agent", "llm agent s", "llm agent", "llm"]:
        assert list(index.search(query).rows) == brute_force_search(seed_corpus.papers, query), query


def test_the_index_grows_answers_with_it(seed_corpus):
    papers = seed_corpus.papers
    index = SearchIndex()
    index.add(papers, 0, 100)
    early = index.search("language model")
    index.add(papers, 100, len(papers))
    late = index.search("language model")
    assert early.searched == 100 and late.searched == len(papers)
    assert list(late.rows) == brute_force_search(papers, "language model")
    assert len(late.rows) > len(early.rows)


def test_ranked_rows_head_agrees_with_the_full_order():
    rng = np.random.default_rng(7)
    papers = np.sort(rng.choice(100_000, size=20_000, replace=False))
    keys = rng.integers(0, 40, size=len(papers)).astype(np.uint16)  # many ties
    rows = RankedRows(papers, keys)
    expected = [int(papers[i]) for i in sorted(range(len(papers)), key=lambda i: (-int(keys[i]), int(papers[i])))]
    assert [rows[i] for i in range(HEAD + 10)] == expected[: HEAD + 10]
    assert list(rows) == expected and rows[-1] == expected[-1] and rows[5:8] == expected[5:8]
    with pytest.raises(IndexError):
        rows[len(papers)]



def test_the_first_rows_of_a_large_answer_come_from_the_phrase_candidates_in_order():
    """Past 4 × HEAD matches only the first HEAD rows are ranked up front, from the phrase
    bonus's candidates; they must be the rows the whole order puts first."""
    rng = random.Random(11)
    words = ["graph", "neural", "network", "networks", "learning", "deep", "model"]
    papers = [
        make_paper(" ".join(rng.choice(words) for _ in range(rng.randint(2, 6))), " ".join(rng.choice(words) for _ in range(12)))
        for _ in range(3000)
    ]
    index = SearchIndex(papers)
    for query in ("graph neural", "neural network", "deep graph model", "graph"):
        rows = index.search(query).rows
        assert len(rows) > 4 * HEAD  # the case this is about
        expected = brute_force_search(papers, query)
        assert [rows[i] for i in range(HEAD + 5)] == expected[: HEAD + 5], query
        assert list(rows) == expected, query

@pytest.mark.parametrize(("starts", "ends"), [([0, 5, 5, 9], [3, 5, 7, 12]), ([4], [4]), ([], []), ([2, 0], [4, 1])])
def test_ranges_concatenate_aranges(starts, ends):
    expected = [i for s, e in zip(starts, ends) for i in range(s, e)]
    assert concatenated_ranges(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)).tolist() == expected


def test_match_spans_find_words_literally():
    text = "The [CLS] token, and [/bold] Masked-thought"
    spans = match_spans(text, frozenset({"cls", "bold", "masked"}))
    assert [text[s:e] for s, e in spans] == ["CLS", "bold", "Masked"]
    assert match_spans(text, frozenset()) == []


def test_an_empty_index_answers_with_nothing():
    result = SearchIndex().search("anything")
    assert list(result.rows) == [] and result.searched == 0

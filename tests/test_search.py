import pytest

from helpers import make_paper
from papertui.search import SearchIndex, match_score, match_spans, query_words, tokenize
from papertui.search.matching import EXACT, INFIX, PREFIX, TYPO, TYPO_PREFIX


@pytest.fixture(scope="module")
def seed_index(seed_corpus):
    return SearchIndex(seed_corpus.papers)


def titles(index, query, n=None):
    rows = index.search(query).rows
    return [index.papers[i].title for i in (rows if n is None else rows[:n])]


def test_tokenize_and_query_words():
    assert tokenize("LLM-as-a-Judge, GPT-4o_mini!") == ["llm", "as", "a", "judge", "gpt", "4o", "mini"]
    assert query_words("  Masked  masked thought ") == ["masked", "thought"]


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
    assert result.terms == frozenset()


def test_masked_thought_is_first(seed_index):
    assert titles(seed_index, "masked thought", 1) == [
        "Masked Thought: Simply Masking Partial Reasoning Steps Can Improve Mathematical Reasoning Learning of Language Models"
    ]


def test_every_query_word_must_match(seed_index):
    for index in seed_index.search("masked thought").rows:
        words = set(tokenize(seed_index.papers[index].title + " " + seed_index.papers[index].abstract))
        assert any(match_score("masked", w) for w in words)
        assert any(match_score("thought", w) for w in words)
    assert titles(seed_index, "masked zzzzqqq") == []


def test_typos_are_forgiven(seed_index):
    assert titles(seed_index, "masekd thuoght", 1)[0].startswith("Masked Thought")
    assert titles(seed_index, "arboretm", 1)[0].startswith("Arboretum")


def test_title_matches_rank_above_abstract_only_matches():
    index = SearchIndex(
        [
            make_paper("Something else", "This abstract is about diffusion models for images."),
            make_paper("Diffusion for all", "Nothing relevant here at all, honestly."),
        ]
    )
    assert [index.papers[i].title for i in index.search("diffusion").rows] == ["Diffusion for all", "Something else"]


def test_better_matches_rank_higher_within_titles():
    index = SearchIndex([make_paper("Transformers are prefix hits"), make_paper("Transformer exactly")])
    assert [index.papers[i].title for i in index.search("transformer").rows] == [
        "Transformer exactly",
        "Transformers are prefix hits",
    ]


@pytest.mark.parametrize("query_word", ["m", "ma", "mas", "mask", "masked", "thougt", "reinforcm", "llm", "gpt4", "zzz", "2024", "ö"])
def test_index_terms_equal_a_brute_force_scan(seed_index, query_word):
    vocabulary = {word for paper in seed_index.papers for word in tokenize(paper.title + " " + paper.abstract)}
    expected = {word: match_score(query_word, word) for word in vocabulary if match_score(query_word, word) > 0}
    assert seed_index.terms_for(query_word) == expected


def test_result_rows_equal_a_brute_force_filter(seed_index):
    for query in ["llm agent", "reward model", "masked", "graph neural", "speech"]:
        words = query_words(query)
        expected = {
            i
            for i, paper in enumerate(seed_index.papers)
            if all(any(match_score(q, w) for w in tokenize(paper.title + " " + paper.abstract)) for q in words)
        }
        assert set(seed_index.search(query).rows) == expected


def test_match_spans_find_words_literally():
    text = "The [CLS] token, and [/bold] Masked-thought"
    spans = match_spans(text, frozenset({"cls", "bold", "masked"}))
    assert [text[s:e] for s, e in spans] == ["CLS", "bold", "Masked"]
    assert match_spans(text, frozenset()) == []

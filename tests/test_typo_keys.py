"""The typo keys find every typo match the rule allows, without scanning the vocabulary."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papertui.search.matching import match_score
from papertui.search.typo_keys import TypoKeys, query_keys
from papertui.search.vocabulary import Vocabulary, _other_candidates

# A small alphabet makes near words common: the cases where a lost candidate would show.
WORDS = st.text("abcde", min_size=1, max_size=12)


def _vocabulary(words: list[str], chunks: int) -> Vocabulary:
    vocabulary = Vocabulary()
    step = max(1, len(words) // chunks)
    for low in range(0, len(words), step):
        chunk = words[low : low + step]
        vocabulary.ids_of([word.encode() for word in chunk], len(chunk))
        vocabulary.publish()
    return vocabulary


def _expected(words: list[str], query_word: str) -> set[str]:
    return {word for word in words if not word.startswith(query_word) and match_score(query_word, word) > 0}


@st.composite
def _near_query(draw, words: list[str]) -> str:
    """A vocabulary word (or a made-up one) with up to two edits anywhere, maybe cut short."""
    word = draw(st.sampled_from(words) | WORDS) + draw(st.text("abcde", max_size=4))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(word)))
        edit = draw(st.sampled_from(["swap", "drop", "add", "change"]))
        letter = draw(st.sampled_from("abcde"))
        if edit == "swap" and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif edit == "drop" and len(word) > 1:
            word = word[:at] + word[at + 1 :]
        elif edit == "add":
            word = word[:at] + letter + word[at:]
        else:
            word = word[:at] + letter + word[at + 1 :]
    return word[: draw(st.integers(1, 14))]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.data(), st.lists(WORDS, min_size=1, max_size=300, unique=True), st.integers(1, 12))
def test_other_candidates_equal_a_brute_force_scan(data, words, chunks):
    query_word = data.draw(_near_query(words))
    view = _vocabulary(words, chunks).view
    ids, _ = _other_candidates(view, query_word)
    assert {view.words[i] for i in ids.tolist()} == _expected(words, query_word)


def test_a_cut_word_and_a_transposition_are_candidates():
    words = ["reinforcement", "reinforced", "rienforcement", "transformer", "trasnformer", "unrelated"]
    view = _vocabulary(words, 2).view
    found = lambda query: {view.words[i] for i in _other_candidates(view, query)[0].tolist()}  # noqa: E731
    assert found("reinforcm") == {"reinforcement", "reinforced", "rienforcement"}  # cut to 9 or 10 letters, one edit
    assert "rienforcement" in found("reinforcement") and "reinforcement" in found("reinfrocement")
    assert found("transfromer") == {"transformer", "trasnformer"}
    # Two letters more in the word's first six: found by its two-deletion keys.
    assert found("reinforcement") >= {"rienforcement"} and "rxeixnforcement" in _found(["rxeixnforcement"], "reinforcement")


def _found(words: list[str], query_word: str) -> set[str]:
    view = _vocabulary(words, 1).view
    return {view.words[i] for i in _other_candidates(view, query_word)[0].tolist()}


def test_merged_chunks_file_what_each_chunk_filed():
    words = ["alpha", "alphabet", "albeit", "beta", "betamax", "gamma"]
    one = TypoKeys.build(words)
    parts = TypoKeys.merged([TypoKeys.build(words[:2]), TypoKeys.build(words[2:5], 2), TypoKeys.build(words[5:], 5)])
    keys = query_keys("alhpab", 1)
    assert sorted(one.candidates(keys).tolist()) == sorted(parts.candidates(keys).tolist()) != []
    assert one.keys.tolist() == parts.keys.tolist() and one.offsets.tolist() == parts.offsets.tolist()

"""Every regular expression on outside text runs in linear time, and every one has a row in
the table that proves it (hostile/regex_table.py).

Each row's worst input is timed at n and 8n characters in one run: linear code takes about
8 times as long, a pattern that backtracks n² about 64 times, so the bound of 20 holds on a
slow or busy machine and still catches it. A row of another file's code that is quadratic
today is an expected failure, strict: it fails the day that code is fixed, so the mark goes.
"""

from __future__ import annotations

import ast
import functools
import random
import re
from pathlib import Path

import pytest

from hostile.regex_table import CASES, GROWTH, TARGET, Case, seconds_per_run
import papertui.search.index as search_index
from papertui.corpus.model import Paper
from papertui.search.index import Phrase
from papertui.search import vocabulary
from papertui.search.matching import joined_words, match_score, query_words, tokenize
from papertui.search.query import parse_query

MAX_RATIO = 20  # linear: about 8; n²: about 64
SOURCE = Path(__file__).resolve().parents[2] / "src" / "papertui"
RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
pytestmark = pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, one worker runs them all, one after another


def growth(case: Case) -> float:
    """Time at 8n over time at n; the 8n run is tried again (up to three times) only when it
    looks too slow, so that one busy moment of the machine is not taken for n²."""
    small, large = case.worst(case.n), case.worst(case.n * GROWTH)
    once = seconds_per_run(case.run, small, 1, tries=1)  # also the warm-up
    repeats = max(1, min(1000, int(TARGET / max(once, 1e-7))))
    small_time = seconds_per_run(case.run, small, repeats)
    large_time = float("inf")
    for _ in range(3):
        large_time = min(large_time, seconds_per_run(case.run, large, max(1, repeats // GROWTH), tries=1))
        if large_time / small_time < MAX_RATIO:
            break
    return large_time / small_time


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=f"n², to be fixed by its owner: {case.owner_fix}")] if case.owner_fix else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_each_pattern_is_linear_on_its_worst_input(case: Case):
    ratio = growth(case)
    assert ratio < MAX_RATIO, f"{case.name}: {GROWTH}x the input took {ratio:.1f}x as long"


# --- the table covers every regular expression in the source --------------------------------


@functools.cache
def regex_sites() -> dict[str, int]:
    """Each `re.` call in src/papertui, keyed as the table's `covers` names it: `path:NAME` for
    a pattern compiled into a module-level name, `path:function:pattern` for a call in a function
    (`<dynamic>` when the pattern is built at run time). Values: line numbers."""
    sites: dict[str, int] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def is_re_call(node: ast.AST) -> bool:
            function = getattr(node, "func", None)
            return (
                isinstance(node, ast.Call) and isinstance(function, ast.Attribute) and function.attr in RE_CALLS
                and isinstance(function.value, ast.Name) and function.value.id == "re"
            )

        def visit(node: ast.AST, scope: list[str]) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(child, [*scope, child.name])
                    continue
                if not scope and isinstance(child, ast.Assign) and is_re_call(child.value) and isinstance(child.targets[0], ast.Name):
                    sites[f"{relative}:{child.targets[0].id}"] = child.lineno
                    continue
                if is_re_call(child):
                    first = child.args[0] if child.args else None
                    pattern = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "<dynamic>"
                    sites[f"{relative}:{'.'.join(scope) or '<module>'}:{pattern}"] = child.lineno
                visit(child, scope)

        visit(tree, [])
    return sites


def test_every_regular_expression_in_the_source_has_a_row():
    covered = {name for case in CASES for name in case.covers}
    missing = {site: line for site, line in regex_sites().items() if site not in covered}
    assert not missing, (
        "regular expressions with no row in tests/hostile/regex_table.py (add one with the worst "
        f"input you can build, and make it pass): {missing}"
    )


def test_every_row_names_a_pattern_that_is_there():
    sites = regex_sites()
    stale = sorted({name for case in CASES for name in case.covers} - set(sites))
    assert not stale, f"rows name patterns the source no longer has (rename or remove them): {stale}"


def test_the_site_finder_finds_what_it_should():
    """The coverage tests are only as good as this: it sees both kinds of site."""
    sites = regex_sites()
    assert "search/matching.py:COMPOUND" in sites
    assert "corpus/latex.py:latex_to_text:(?<!\\\\)~" in sites
    assert "search/index.py:Phrase.__init__:<dynamic>" in sites


# --- the rewritten code answers as before ----------------------------------------------------

_OLD_COMPOUND = re.compile(r"[^\W_]+(?:[-/.]+[^\W_]+)+")
_OLD_SEPARATORS = re.compile(r"[-/.]+")


def _old_query_words(query: str) -> list[str]:
    words, position = [], 0
    for match in _OLD_COMPOUND.finditer(query):
        words += tokenize(query[position : match.start()])
        words.append(_OLD_SEPARATORS.sub("", match.group()).casefold())
        position = match.end()
    words += tokenize(query[position:])
    return list(dict.fromkeys(words))


def _old_joined_words(text: str) -> list[str]:
    plain = set(tokenize(text))
    return [joined + "\x00" for joined in (_OLD_SEPARATORS.sub("", m).casefold() for m in _OLD_COMPOUND.findall(text)) if joined not in plain]


def _random_texts(alphabet: str, count: int = 3000, longest: int = 14) -> list[str]:
    chance = random.Random(26)
    return ["".join(chance.choice(alphabet) for _ in range(chance.randint(0, longest))) for _ in range(count)]


def test_compounds_are_found_as_before():
    for text in _random_texts("aB1_-/. é"):
        assert query_words(text) == _old_query_words(text), text
        assert joined_words(text) == _old_joined_words(text), text


def _phrase_at_a_word_start(words: tuple[str, ...], text: str) -> bool:
    """What the phrase means, tried from every position: the words in order, separators
    optional between them, the first at the start of a word."""
    pattern = re.compile(r"[\W_]*".join(map(re.escape, words)))
    return any(pattern.match(text, start) and not text[start - 1 : start].isalnum() for start in range(len(text)))


@pytest.mark.parametrize("long_words", [False, True], ids=["short words", "long words"])
def test_the_phrase_is_found_as_it_means(long_words):
    """Both ways of reading the phrase (from the first word's occurrences, or from word starts
    when the words after the first are long) agree with its meaning."""
    padding = "a" * (search_index.PHRASE_TRY_CHARS if long_words else 0)
    for text in _random_texts("ab -x", 300 if long_words else 1500, 12):
        for words in (("a", "b"), ("ab", "a"), ("a", "a"), ("b", "ab", "a")):
            words = (words[0], *(word + padding for word in words[1:]))
            phrase = Phrase(words)
            assert phrase.from_word_starts == long_words
            padded = text.replace("b", "b" + padding) if long_words else text
            assert phrase._phrase_in(padded) == _phrase_at_a_word_start(words, padded), (words, padded)


def _old_trim_url(url: str) -> str:
    while url:
        if url[-1] in ".,;:!?'\"]}*":
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            break
    return url


def test_urls_are_trimmed_as_before():
    from papertui.links import _trim_url

    for tail in _random_texts("().,a]'", 3000, 8):
        url = "https://x.org/w" + tail
        assert _trim_url(url) == _old_trim_url(url), url


def test_long_words_are_found_in_the_vocabulary_as_by_the_regex():
    chance = random.Random(26)
    pieces = ["a" * 30, "ab" * 20, "b", "a", "\n"]
    found = 0
    for _ in range(1000):
        blob = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 30)))
        for word in ("a" * 65, "ab" * 33, "ba" * 40):
            expected = [m.start() for m in re.finditer(re.escape(word), blob)]
            assert list(vocabulary._occurrences(blob, word)) == expected
            found += len(expected)
    assert found > 1000  # the blobs hold the words, often several times


# --- a pasted word in the filter -------------------------------------------------------------


def test_typos_are_forgiven_in_words_up_to_the_longest_anyone_types():
    from papertui.search.matching import MAX_TYPO_LENGTH

    word = "transformer" * (MAX_TYPO_LENGTH // 11) + "x" * (MAX_TYPO_LENGTH % 11)
    assert len(word) == MAX_TYPO_LENGTH
    assert match_score(word[:-2] + "zz", word) > 0  # two edits, the longest word still forgiven
    longer = word + "s"
    assert match_score(longer[:-2] + "zz", longer) == 0  # no alignment of pasted words
    assert match_score(longer, longer) == 1.0 and match_score(longer[:-5], longer) > 0  # exact and prefix stay



def test_a_pasted_run_of_digits_in_upvotes_is_a_bound_not_an_error():
    """int() refuses more than 4,300 digits; `²` is a digit that int() cannot read."""
    huge = parse_query("upvotes:>=" + "9" * 20_000)
    assert [term.value for group in huge.groups for term in group] == [str(10**18)]
    assert parse_query("upvotes:>=0042").groups[0][0].value == "42"
    superscript = parse_query("upvotes:²")
    assert not superscript.groups and "give a number" in superscript.notes[0]


def test_a_long_word_in_the_phrase_is_still_ranked():
    """The word-start reading finds the phrase where the short one would."""
    long_word = "b" * (search_index.PHRASE_TRY_CHARS + 5)
    paper = Paper(title="t", abstract=f"x a-{long_word}c and more")
    assert Phrase(("a", long_word)).level(paper) == 1
    assert Phrase(("a", long_word)).level(Paper(title="t", abstract=f"xa {long_word}")) == 0

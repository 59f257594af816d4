"""The per-record work of reading a file was made cheaper (issue 30: the arXiv snapshot's first
read); it must give exactly what it gave before, for any input. Each test runs the code as it
was (tests/fast_records_old, a frozen copy) beside the current code over every text the repo
has (seeds, fixtures, feeds) and thousands of generated hostile strings (a fixed seed): mixed
scripts, case-folding oddities (ß, İ, ı, ﬁ, the Kelvin sign), combining marks, full-width
digits, separators, LaTeX, control characters, escape sequences and lone surrogates.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import fast_records_old.arxiv_snapshot as old_snapshot
import fast_records_old.keys as old_keys
import fast_records_old.latex as old_latex
import fast_records_old.text as old_text
import fast_records_old.versions as old_versions
from papertui.corpus import arxiv_snapshot, latex, text, versions
from papertui.corpus.merge import stable_keys, text_key
from papertui.corpus.model import Record
from papertui.search.vocabulary import word_set

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOT_HEAD = FIXTURES / "arxiv-metadata-snapshot-head.jsonl"

# Pieces a hostile string is made of: single characters and LaTeX or escape snippets.
ATOMS = (
    list("abcXYZ019 _-/.,;:!?'\"()[]{}<>@#%&*+=|~^`$\\")
    + [" ", "  ", "\n", "\t", "\r\n", "\x0b", "\x0c"]
    + list("éöüÿÉÖÜçñåø\xa0\xad\xb2\xb5\xba")  # Latin-1, nbsp, soft hyphen, ², µ, º
    + list("αβγΣσςΐΰΩΛλ")  # Greek, final sigma, characters that casefold to three
    + ["ß", "ẞ", "İ", "ı", "ﬁ", "ﬀ", "ﬃ", "\u212a", "\u2126", "ŉ", "ǰ"]  # fold-changing letters
    + ["\u0301", "\u0307", "\u0308", "\u0342"]  # combining marks
    + list("０１２３Ａｂ٣Ⅻ中文")  # full-width, Arabic-Indic digit, roman numeral, CJK
    + ["–", "—", "’", "“", "”", "…", "\u2028", "\u200b", "\u200d", "\ufe0f", "😀", "👍🏽"]
    + ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u200f", "\u061c"]
    + ["\x1b[2J", "\x1b]0;t\x07", "\x1b]52;c;eA==\x1b\\", "\x1bPq\x1b\\", "\x1b["]
    + ["\ud800", "\udfff", "\udc80"]  # lone surrogates, as JSON can spell them
    + ["\\'e", '\\"o', "\\`a", "\\^{o}", "\\~n", "\\c{c}", "\\v s", "\\ss", "\\o", "\\i", "\\'{\\i}"]
    + ["$", "$$", "$x$", "$\\alpha$", "$x^{2}$", "$a_{ij}$", "$\\hat{x}$", "$\\frac{n+1}{2}$", "$5"]
    + ["\\alpha", "\\emph{", "\\textbf{X}", "{\\bf Y}", "\\cite{k}", "\\[", "\\]", "\\(", "\\)", "\\sqrt{2}"]
    + ["\\foo ", "\\log", "n\\log n", "\\&", "\\%", "\\\\", "--", "---", "``", "''", "`x'", "~"]
    + ["state-of-the-art", "Q-learning", "GPT-4o", "e.g.", "1.5", "a/b", "x--y", "DeepResearchEval"]
    + ["Qwen2.5-VL", "naïve-Bayes", "α-β", "İstanbul-x", "ß-Straße", "ﬁne-tune", "x.İ", "Ω/K"]
)


def hostile_strings(count: int, seed: int, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ATOMS) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def repo_texts(per_file: int = 200_000) -> list[str]:
    """The texts the repo's seeds, fixtures and feeds hold (the first `per_file` characters of
    each file): a stretch of each whole, its lines, and the strings of its JSON; each once."""
    texts: list[str] = []
    files = sorted((ROOT / "seeds").glob("*.txt")) + sorted(p for p in (ROOT / "tests" / "feeds").rglob("*") if p.is_file())
    files += sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in {".json", ".jsonl", ".xml", ".bib", ".ris", ".txt"})
    for path in files:
        whole = path.read_text(encoding="utf-8", errors="surrogateescape")
        texts.append(whole[:5_000])
        if path.suffix in {".json", ".jsonl"}:
            texts += [s for item in _json_items(whole) for s in _strings(item)][:5000]
        else:
            texts += whole[:per_file].splitlines()
    return list(dict.fromkeys(texts))


def _json_items(whole: str) -> list[object]:
    try:
        return [json.loads(whole)]
    except ValueError:
        return [json.loads(line) for line in whole.splitlines() if line.strip()]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = repo_texts() + hostile_strings(4000, seed=30) + hostile_strings(300, seed=31, longest=400)
    # The generated strings must hold what the fast paths single out, or the test proves little.
    assert sum(not t.isascii() for t in found) > 2000
    assert sum(any("\ud800" <= c <= "\udfff" for c in t) for t in found) > 200
    assert sum("İ" in t for t in found) > 100 and sum("\x1b" in t for t in found) > 200
    return found


def test_text_key_is_unchanged(texts: list[str]) -> None:
    for t in texts:
        assert text_key(t) == old_keys.text_key(t), repr(t)


def test_text_key_is_unchanged_for_every_character_and_nested_runs() -> None:
    """text_key folds each run of non-ASCII characters on its own: every code point, in
    blocks and alone beside ASCII, and short strings of the characters that fold to something
    else (ß, İ, ﬁ, K), vanish (dashes, quotes, marks, surrogates) or hide inside longer runs."""
    blocks = ["".join(map(chr, range(start, start + 64))) for start in range(0, 0x110000, 64)]
    blocks += ["a" + "-".join(map(chr, range(start, start + 64))) + "Z" for start in range(0x80, 0x3000, 64)]
    rng = random.Random(11)
    tricky = list("”♣“αΣÉéßẞİıﬁﬀ\u212aΩ–’\u0307\u0301\ud800\udc80１Ⅻ中") + ["a", "Z", "-", " ", "."]
    nested = ["".join(rng.choice(tricky) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    for t in blocks + nested:
        assert text_key(t) == old_keys.text_key(t), repr(t)


@pytest.mark.parametrize("parts", [False, True])
def test_word_set_is_unchanged(texts: list[str], parts: bool) -> None:
    for t in texts:
        assert word_set(t, parts) == old_keys.word_set(t, parts), repr(t)


def test_word_set_is_unchanged_on_cleaned_text(texts: list[str]) -> None:
    """What the index is given: text after cleaning and LaTeX (no controls, no surrogates)."""
    for t in texts:
        shown = text.clean(latex.latex_to_text(t))
        assert word_set(shown, True) == old_keys.word_set(shown, True), repr(shown)


def test_cleaning_is_unchanged_with_the_same_counts(texts: list[str]) -> None:
    with text.counting_removals() as new_tally, old_text.counting_removals() as old_tally:
        for t in texts:
            assert text.clean(t) == old_text.clean(t), repr(t)
            assert text.strip_controls(t) == old_text.strip_controls(t), repr(t)
            assert text.valid_unicode(t) == old_text.valid_unicode(t), repr(t)
            assert new_tally == old_tally, repr(t)
    assert new_tally[0] > 1000 and new_tally[1] > 100  # the strings did hold controls and surrogates


def test_latex_is_unchanged(texts: list[str]) -> None:
    import unicodedata

    for t in texts:
        shown = latex.latex_to_text(t)
        assert shown == old_latex.latex_to_text(t), repr(t)
        # What comes back changed is in NFC: cleaning does not normalize it again.
        assert shown is t or unicodedata.normalize("NFC", shown) == shown, repr(t)
        assert latex.latex_to_text(t, tilde_is_space=True) == old_latex.latex_to_text(t, tilde_is_space=True), repr(t)


VERSION_VALUES = [
    "v1", "v2", "v9", "v10", "v99", "v999", "v1000", "v0", "V3", "3", " v4 ", "v", "", "v²", "v٣", "vv1",
    "v-1", "v+1", "v 1", "v01", "v1.0", 0, 1, 7, 999, 1000, -1, True, False, None, 2.0, [], {}, "v1\x00",
]  # fmt: skip
CREATED = [
    "Fri, 25 May 2007 13:43:50 GMT", "Mon, 2 Apr 2007 19:18:42 GMT", "Tue, 02 Apr 2024 00:00:00 GMT",
    "Sun, 31 Dec 2023 23:59:59 GMT", "Thu, 29 Feb 2024 12:00:00 GMT", "Thu, 29 Feb 2023 12:00:00 GMT",
    "Mon, 31 Apr 2007 10:00:00 GMT", "Mon, 0 Apr 2007 10:00:00 GMT", "Mon, 32 Apr 2007 10:00:00 GMT",
    "Mon, 2 Apr 2007 24:00:00 GMT", "Mon, 2 Apr 2007 23:60:00 GMT", "Mon, 2 Apr 2007 23:59:60 GMT",
    "Mon, 2 Apr 2007 23:59:61 GMT", "Mon, 2 Apr 07 10:00:00 GMT", "Mon, 2 Apr 0099 10:00:00 GMT",
    "Mon, 2 Apr 0999 10:00:00 GMT", "Mon, 2 Apr 99999 10:00:00 GMT", "Mon, 2 apr 2007 10:00:00 GMT",
    "Mon, 2 APR 2007 10:00:00 GMT", "Mon 2 Apr 2007 10:00:00 GMT", "2 Apr 2007 10:00:00 GMT",
    "Xyz, 2 Apr 2007 10:00:00 GMT", "Mon, 2 Apr 2007 10:00 GMT", "Mon, 2 Apr 2007 10:00:00 +0000",
    "Mon, 2 Apr 2007 23:00:00 -0500", "Mon, 2 Apr 2007 01:00:00 +0200", "Mon, 2 Apr 2007 10:00:00 EST",
    "Mon, 2 Apr 2007 10:00:00", "Mon, 2 Apr 2007 10:00:00 UT", "Mon, 2 Apr 2007 10:00:00 gmt",
    "Mon,  2 Apr 2007 10:00:00 GMT", " Mon, 2 Apr 2007 10:00:00 GMT", "Mon, 2 Apr 2007 10:00:00 GMT ",
    "Mon, ２ Apr 2007 10:00:00 GMT", "Mon, 2 Apr ２００７ 10:00:00 GMT", "Mon, 2 Apr 2007 1０:00:00 GMT",
    "Mon, 2 Apr 2007 1:2:3 GMT", "Mon, 2 Apr 2007 10:00:00.5 GMT", "Mon, 2 Apr 2007 10:00:00 GMT\x00",
    "Mon, 2 Apr 2007T10:00:00 GMT", "Mon, 2 Apr 10:00:00 2007 GMT", "Mon, Apr 2 2007 10:00:00 GMT",
    "2007-04-02", "", "garbage", 20070402, None, [], "Mon, 2 Apr 1 10:00:00 GMT", "Mon, 2 Apr 9999 23:59:59 GMT",
    "Mon, 2 Apr 2007 10:00:00 GMT+1", "Mon, 2 Apr 2007 10:00:00 Z", "Mon, 2 Apr 2007 -1:00:00 GMT",
    "Mon, 2 Apr 2007 +1:00:00 GMT", "Mon, +2 Apr 2007 10:00:00 GMT", "Mon, 2 Apr 2007 10:+0:00 GMT",
    "Mon, 2 Apr 2007 10:00:0 GMT", "Mon, 2 Apr 2007 100:00:00 GMT", "Mon, 002 Apr 2007 10:00:00 GMT",
    "Mon, 2 Apr 2007 10:00:00 GMT GMT", "Mon, 2 Apr 2007 10:00:00  GMT", "Mon, 2\tApr 2007 10:00:00 GMT",
]  # fmt: skip


def snapshot_objects() -> list[dict]:
    return [json.loads(line) for line in SNAPSHOT_HEAD.read_text(encoding="utf-8").splitlines() if line.strip()]


def hostile_objects(count: int, seed: int) -> list[dict]:
    """Snapshot objects with their fields replaced, at random, by hostile strings and values."""
    rng = random.Random(seed)
    real = snapshot_objects()
    strings = hostile_strings(2000, seed=seed)
    values: list[object] = [None, 0, 1, -5, 2**40, True, 1.5, [], {}, "", " "]
    objects = []
    for number in range(count):
        item = dict(rng.choice(real))

        def some(kind: str = "text") -> object:
            roll = rng.random()
            if roll < 0.6:
                return rng.choice(strings)
            if roll < 0.8 or kind == "text":
                return rng.choice(values)
            return rng.choice(strings)

        for key in ("title", "abstract", "authors", "categories", "update_date", "doi", "comments", "journal-ref"):
            if rng.random() < 0.4:
                item[key] = some()
        if rng.random() < 0.3:
            item["id"] = rng.choice(["2406.16845", "2406.16845v3", "hep-th/9901001v2", "math.GT/0309136", "x", "", 5, None])
        if rng.random() < 0.5:
            item["versions"] = [
                {"version": rng.choice(VERSION_VALUES), "created": rng.choice(CREATED)} if rng.random() < 0.9 else rng.choice(values)
                for _ in range(rng.randint(0, 4))
            ]
        elif rng.random() < 0.1:
            item["versions"] = rng.choice(values)
        if rng.random() < 0.5:
            item["authors_parsed"] = [
                [rng.choice(strings) if rng.random() < 0.8 else rng.choice(values) for _ in range(rng.randint(0, 4))]
                if rng.random() < 0.9
                else rng.choice(values)
                for _ in range(rng.randint(0, 6))
            ]
        elif rng.random() < 0.2:
            item.pop("authors_parsed", None)
        if number % 7 == 0:  # the other JSON shapes object_record reads (HF, papertui's own)
            item = {"paper": item, "numComments": some("count"), "title": some()} if number % 2 else item
            item.update(rng.choice([{"version": rng.choice(VERSION_VALUES)}, {"publishedAt": some()}, {"upvotes": some("count")}]))
            item["links"] = [rng.choice(["https://x.org/a", "http://y", some()]) for _ in range(rng.randint(0, 3))]
            item["githubRepo"] = some()
        objects.append(item)
    return objects


def json_lines() -> list[str]:
    lines = SNAPSHOT_HEAD.read_text(encoding="utf-8").splitlines()
    rng = random.Random(7)
    for item in hostile_objects(3000, seed=30):
        line = json.dumps(item, ensure_ascii=rng.random() < 0.5)
        lines.append(line if rng.random() < 0.95 else line[: rng.randint(0, len(line))])  # some cut short
    for path in sorted((ROOT / "tests" / "feeds" / "hf-daily").glob("*.json")) + [FIXTURES / "hf-daily-papers-2024-10-25.json"]:
        lines += [json.dumps(item) for item in json.loads(path.read_text(encoding="utf-8"))]
    lines += ["", "   ", "\ufeff", "[]", "5", "null", '"x"', "{}", '{"title": NaN}', "{" * 5000, "\ufeff" + lines[0]]
    return lines


def test_json_lines_read_the_same(texts: list[str]) -> None:
    lines = json_lines()
    made = 0
    with text.counting_removals() as new_tally, old_text.counting_removals() as old_tally:
        for number, line in enumerate(lines, 1):
            new, old = arxiv_snapshot.line_record(line, number), old_snapshot.line_record(line, number)
            assert new == old, line
            assert new_tally == old_tally, line
            made += new[0] is not None
    assert made > 2000


def test_versions_read_the_same() -> None:
    for value in VERSION_VALUES + [f"v{n}" for n in range(1200)] + [str(n) for n in range(1200)]:
        assert versions.version_number(value) == old_versions.version_number(value), repr(value)
    for item in hostile_objects(600, seed=32):
        assert versions.version_of_object(item) == old_versions.version_of_object(item), item


def test_stable_keys_are_unchanged(texts: list[str]) -> None:
    """Kept caches find their papers by these numbers: not one bit may move."""
    records = [r for r, _ in (arxiv_snapshot.line_record(line, n) for n, line in enumerate(json_lines(), 1)) if r]
    rng = random.Random(3)
    ids = [None, "2406.16845", "hep-th/9901001", "\ud800", "x"]
    records += [
        Record(abstract=t, title=rng.choice([None, "", rng.choice(texts)]), arxiv_id=rng.choice(ids), doi=rng.choice([None, "", "10.1/ABC", t[:30]]))
        for t in texts
    ]
    for record in records:
        assert stable_keys(record) == old_keys.stable_keys(record), record


def test_version_dates_read_the_same() -> None:
    """The snapshot's `created` dates, read directly in arXiv's form, as email.utils reads them."""
    import fast_records_old.json_papers as old_json_papers

    from papertui.corpus import json_papers

    rng = random.Random(5)
    days = ["Mon,", "Sun,", "Xyz,", "mon,", "Mon"]
    months = ["Jan", "Feb", "Apr", "Dec", "jan", "Foo", "May"]
    generated = [
        f"{rng.choice(days)} {rng.choice(['0', '1', '09', '28', '29', '30', '31', '32', '7'])} {rng.choice(months)} "
        f"{rng.choice(['2024', '2023', '1999', '0999', '0099', '1000', '9999', '200', '20245'])} "
        f"{rng.choice(['00', '09', '23', '24', '7'])}:{rng.choice(['00', '59', '60'])}:{rng.choice(['00', '59', '60', '61'])} "
        f"{rng.choice(['GMT', 'GMT', 'UT', '+0100', '-0000', 'gmt'])}"
        for _ in range(3000)
    ]
    for created in CREATED + generated:
        paper = {"versions": [{"created": created}], "update_date": "2001-02-03"}
        assert json_papers._published(paper) == old_json_papers._published(paper), created


def test_what_latex_inserts_without_accents_is_in_nfc_beside_anything() -> None:
    """latex_to_text skips normalizing ASCII input read without accents: that holds only if
    every symbol it can put in is NFC alone and beside ASCII or another symbol."""
    import unicodedata

    inserted = {c for value in latex._SYMBOLS.values() for c in value} | set("—“”‘’–√")
    inserted = sorted(c for c in inserted if not c.isascii())
    assert "α" in inserted and "√" in inserted
    neighbours = [chr(c) for c in range(128)] + inserted
    for char in inserted:
        assert unicodedata.combining(char) == 0, char
        for other in neighbours:
            for pair in (char + other, other + char):
                assert unicodedata.normalize("NFC", pair) == pair, repr(pair)

"""Properties of the classes of failure the hostile suite grew by: text that cannot be
encoded, ids in other scripts or on other hosts, titles without letters, emoji sequences."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from helpers import make_paper
from papertui.corpus import FORMATS
from papertui.corpus.model import FileReport
from papertui.corpus.text import clean, counting_removals, drawable
from papertui.links import arxiv_id_from_url, parse_arxiv_id
from papertui.marks.store import Marks, paper_key, title_key

# Any text, lone surrogates included (Hypothesis leaves them out unless asked).
any_text = st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=60).map("".join)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@given(any_text)
def test_cleaned_text_is_always_encodable(text):
    with counting_removals() as tally:
        cleaned = clean(text)
    assert encodable(cleaned)
    assert tally[1] == sum(0xD800 <= ord(c) <= 0xDFFF for c in text)


@given(st.lists(st.tuples(any_text, any_text), min_size=1, max_size=5))
def test_papers_from_json_with_any_text_can_be_written_out(items):
    text = json.dumps([{"paper": {"title": "T " + title, "summary": "S " + summary}} for title, summary in items])
    records = list(FORMATS["papers-json"].parse(text, FileReport("x")))
    assert len(records) == len(items)
    for record in records:
        assert encodable(record.title or "") and encodable(record.abstract)
        assert all(encodable(name) for name in record.authors)


@given(any_text, any_text)
def test_marks_of_any_title_and_note_can_be_saved(title, note):
    data = Marks(title=title, note=note, starred=True).to_json()
    assert encodable(json.dumps(data, ensure_ascii=False))


@given(any_text)
def test_an_arxiv_id_is_ascii_whatever_the_text(text):
    found = parse_arxiv_id(text)
    assert found is None or found.isascii()


@given(st.from_regex(r"[0-9\u0660-\u0669\uff10-\uff19]{4}\.[0-9\u0660-\u0669\uff10-\uff19]{5}", fullmatch=True))
def test_an_id_with_any_digit_outside_ascii_is_no_id(text):
    if not text.isascii():
        assert parse_arxiv_id(text) is None
        assert arxiv_id_from_url(f"https://arxiv.org/abs/{text}") is None


hosts = st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,2}\.(org|com|net|example)", fullmatch=True)


@given(hosts, st.sampled_from(["abs", "pdf", "html"]), st.sampled_from(["", "arxiv.org/abs/", "x/"]))
def test_an_id_comes_only_from_an_arxiv_host(host, kind, path_prefix):
    url = f"https://{host}/{path_prefix}{kind}/2406.16845"
    name = urlsplit(url).hostname or ""
    from_arxiv = (name == "arxiv.org" or name.endswith(".arxiv.org")) and not path_prefix
    assert (arxiv_id_from_url(url) == "2406.16845") == from_arxiv


symbols = st.text(st.characters(categories=["So", "Po", "Sm", "Pd"]), min_size=1, max_size=6)


@given(symbols, symbols)
def test_titles_of_symbols_only_get_keys_of_their_own(first, second):
    if " ".join(first.casefold().split()) != " ".join(second.casefold().split()):
        assert paper_key(make_paper(first)) != paper_key(make_paper(second))
    assert title_key(first)


@given(any_text)
def test_drawable_text_has_no_emoji_joiners_or_selectors(text):
    shown = drawable(text)
    assert not any(c in "\u200d\ufe0e\ufe0f" or 0x1F3FB <= ord(c) <= 0x1F3FF for c in shown)

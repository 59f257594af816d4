"""Every regular expression papertui runs, with the worst input we could construct for it.

Python's `re` backtracks: a pattern that can fail after reading far, tried again from each
position, costs n² (or worse) on the right input, and stops the app for minutes with no
signal able to interrupt it. Each row names the patterns it exercises (`covers`, keyed as
`tests/hostile/test_regex_linear.py` finds them in the source), calls the code that runs them
the way papertui does, and builds the input that makes that code read the most per
character: a long run that a greedy part takes and then gives back, repeated starts, an
opening that never closes. test_regex_linear.py times each row at n and 8n characters;
bench/regex_linear.py prints the same table with the times.

A new `re.` call in src/papertui needs a row here (the coverage test says which).
"""

from __future__ import annotations

import functools
import gc
import itertools
import time
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape

from papertui.corpus.model import FileReport, Paper


@dataclass(frozen=True)
class Case:
    name: str
    covers: tuple[str, ...]  # "path under src/papertui:NAME" or "path:function:pattern"
    run: Callable[[str], object]
    worst: Callable[[int], str]
    n: int = 20_000  # chars at the smaller size; the test also runs 8n
    owner_fix: str = ""  # set when the code is quadratic and the fix belongs to another file's owner


def repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def report() -> FileReport:
    return FileReport("hostile")


# --- search: what a key in the filter goes through ---------------------------------------


def _query_words(text: str) -> object:
    from papertui.search.matching import query_words

    return query_words(text)


def _index_words(text: str) -> object:
    from papertui.search.matching import index_words

    return index_words(text, parts=True)


def _parse_query(text: str) -> object:
    from papertui.search.query import parse_query

    query = parse_query(text)
    return query.plain_words, query.phrase_words, query.highlight_words


def _like_references(text: str) -> object:
    from papertui.search.query import like_references

    return like_references(text)


@functools.cache
def _index():
    """A small index holding a long hostile word, so that a long query word finds it."""
    from papertui.search import SearchIndex

    papers = [
        Paper(title="Masked Thought: simply masking partial reasoning steps", abstract="Chain-of-thought fine-tuning with GPT-4o and Qwen2.5-VL."),
        Paper(title="DeepResearchEval: agents that browse", abstract="We study encoder/decoder models, text-to-video and Q-learning."),
        Paper(title="A hostile abstract", abstract="aaaa " + "a" * 5_000 + " b " + "ab-" * 500),
    ]
    return SearchIndex(papers)


def _search(text: str) -> object:
    index = _index()
    index._cached_for = None  # every run computes its answer: no cache from the run before
    result = index.search(text)
    return len(result.rows)


@functools.lru_cache(maxsize=4)
def _index_holding(length: int):
    """An index whose one abstract holds words of `length` letters that start alike."""
    from papertui.search import SearchIndex

    start = "aaaaaa"  # the typo keys read a word's first six letters: these are candidates
    words = [start + letter * (length - len(start)) for letter in "cde"]
    return SearchIndex([Paper(title="t", abstract=" ".join(words)), Paper(title="u", abstract="b" + "ab" * (length // 2))])


_calls = itertools.count()


def _search_the_hostile_word(text: str) -> object:
    """A query word as long as the index's long words, alike in its start and nowhere else:
    substring, prefix and typo lookups all read words of that length. Its last letter differs
    in every call, as it does from key to key, so no cache (the regex module's) answers."""
    index = _index_holding(len(text))
    index._cached_for = None
    return len(index.search(text[:-1] + chr(0x4E00 + next(_calls) % 20_000)).rows)


def _phrase(words: tuple[str, ...]) -> Callable[[str], object]:
    def run(text: str) -> object:
        from papertui.search.index import Phrase

        return Phrase(words).level(Paper(title="t", abstract=text))

    return run


def _long_phrase(text: str) -> object:
    """The query's second word as long as the text's: it is in the abstract, so the phrase is read."""
    from papertui.search.index import Phrase

    return Phrase(("a", text[: len(text) // 2] + "b")).level(Paper(title="t", abstract=text + "b"))


def _match_spans(text: str) -> object:
    from papertui.search.highlight import Terms, match_spans

    return match_spans(text, Terms(("masked", "thought")))


# --- corpus: parsers and text passes ------------------------------------------------------


def _latex(text: str) -> object:
    from papertui.corpus.latex import latex_to_text

    return latex_to_text(text, tilde_is_space=True)


def _bibtex(text: str) -> object:
    from papertui.corpus.bibtex import looks_like, parse_bibtex

    return looks_like(text[:4096]), list(parse_bibtex(text, report()))


def _strip_controls(text: str) -> object:
    from papertui.corpus.text import strip_controls, valid_unicode

    return strip_controls(text), valid_unicode(text)


def _drawable(text: str) -> object:
    from papertui.corpus.text import drawable

    return drawable(text)


def _derive_title(text: str) -> object:
    from papertui.corpus.text import derive_title

    return derive_title(text)


def _hf_page(text: str) -> object:
    from papertui.corpus.hf_daily_page import looks_like, parse_hf_daily_page

    return looks_like([text]), list(parse_hf_daily_page(text, report()))


def _rss(description: str = "", creator: str = "Ann", pubdate: str = "Tue, 13 Aug 2024 00:00:00 -0400") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel><title>cs.CL updates on arXiv.org</title>'
        f"<pubDate>{escape(pubdate)}</pubDate><item><title>A title</title><link>https://arxiv.org/abs/2408.01234</link>"
        f"<description>{escape(description)}</description><dc:creator>{escape(creator)}</dc:creator></item></channel></rss>"
    )


def _arxiv_rss(text: str) -> object:
    from papertui.corpus.arxiv_rss import announced_on, parse_arxiv_rss

    return announced_on(text), list(parse_arxiv_rss(text, report()))


def _announced_on(text: str) -> object:
    from papertui.corpus.arxiv_rss import announced_on

    return announced_on(text)


def _json_authors(text: str) -> object:
    from papertui.corpus.json_papers import object_record

    return object_record({"title": "A title", "authors": text}, "hostile")


def _oai_authors(text: str) -> object:
    from papertui.corpus import oai_pmh

    return oai_pmh._AUTHORS.split(" ".join(text.split()))  # as _arxiv_raw splits its <authors>


def _title_pdf_summary(text: str) -> object:
    from papertui.corpus.title_pdf_summary import looks_like, parse_title_pdf_summary

    return looks_like(text.split("\n")[:50]), list(parse_title_pdf_summary(text, report()))


def _iso_date(text: str) -> object:
    from papertui.corpus.records import iso_date

    return iso_date(text)


def _listed_date(text: str) -> object:
    from papertui.corpus.facts import date_key

    return date_key(Paper(title="t", abstract="a", listed=text))


def _id_month(text: str) -> object:
    from papertui.corpus.facts import id_month

    return id_month(text)


def _text_key(text: str) -> object:
    from papertui.corpus.merge import text_key

    return text_key(text)


# --- ids and URLs -------------------------------------------------------------------------


def _id_from_url(text: str) -> object:
    from papertui.links import arxiv_id_from_url

    return arxiv_id_from_url(text)


def _parse_id(text: str) -> object:
    from papertui.links import parse_arxiv_id

    return parse_arxiv_id(text)


def _urls_in(text: str) -> object:
    from papertui.links import is_web_link, urls_in

    return urls_in(text), is_web_link(text)


def _resolve_title(text: str) -> object:
    from papertui.resolve import best_match, title_query

    return title_query(text), best_match(text, [("2406.16845", "A title")])


# --- other owners' files: export, recommend, pdfs, sources, cache, nesting ----------------


def _markdown_line(text: str) -> object:
    from papertui.export import bibtex_text, citation_key, markdown_line

    paper = Paper(title=text, abstract="a", authors=(text,))
    return markdown_line(paper), bibtex_text(text), citation_key(paper)


def _bibtex_to_append(text: str) -> object:
    from papertui.export import bibtex_to_append

    return bibtex_to_append(text, [Paper(title="A title", abstract="a", arxiv_id="2406.16845")])


def _old_style_archive(text: str) -> object:
    from papertui import export

    return export._OLD_STYLE_ARCHIVE.match(text)  # as bibtex_entry reads an old-style id


def _paper_terms(text: str) -> object:
    from papertui.recommend.lexical import paper_terms

    return paper_terms(Paper(title="A title", abstract=text))


def _split_version(text: str) -> object:
    from papertui.pdfs.store import split_version

    return split_version(text)


def _slug(text: str) -> object:
    from papertui.sources.library import slug

    return slug(text)


def _json_too_deep(text: str) -> object:
    from papertui.storage.nesting import json_too_deep

    return json_too_deep(text, 8)


def _toml_too_deep(text: str) -> object:
    from papertui.storage.nesting import toml_too_deep

    return toml_too_deep(text, 8)


def _snapshot_names(text: str) -> object:
    from papertui.cache import entries

    return entries.SNAPSHOT_NAME.match(text), entries.BUILDING_NAME.match(text)  # on directory names


def _citation_answers(text: str) -> object:
    from papertui.sources.citations import answers

    return answers.doi(text), answers.url(text), answers.s2_id(text)


def _pdf_budget(text: str) -> object:
    from papertui.pdfs import text as pdf_text

    return pdf_text._budget_grew(text, pdf_text.TextBudget())  # on the line kept for a PDF with no text


def _iso_time(text: str) -> object:
    from papertui.sources import library

    return library._ISO_TIME.fullmatch(text)  # as last_opening reads its file


def _surrogate_escape(text: str) -> object:
    from papertui.sources import library

    return library._SURROGATE_ESCAPE.search(text)  # on each line of a library file


def _key_word(text: str) -> object:
    from papertui import export

    return export._KEY_WORD.findall(text)


def _doi_link(text: str) -> object:
    from papertui.sources.citations.model import paper_key

    return paper_key(Paper(title="t", abstract="a", links=(text,)))



def _zotero_arxiv(text: str) -> object:
    from papertui.corpus.zotero_items import _arxiv_id

    # an item's archive ID (matched), then its extra and venue (searched), as read_items reads them
    return _arxiv_id({"archiveID": text, "extra": text, "publicationTitle": text}, None, ())


def _zotero_doi_in_extra(text: str) -> object:
    from papertui.corpus.zotero_items import _doi_in_extra

    return _doi_in_extra(text)


def _zotero_date(text: str) -> object:
    from papertui.corpus.zotero_items import _date

    return _date(text)


def _zotero_item_key(text: str) -> object:
    from pathlib import Path

    from papertui.corpus.zotero_items import _stored_file

    return _stored_file(Path("/data"), text, "storage:paper.pdf")  # the key names the attachment's folder


def _zotero_send_doi(text: str) -> object:
    from papertui.sources.zotero import items

    return items._doi(text), items._doi_of_links([text])  # a DOI field, a link of a paper to send


def _zotero_send_date(text: str) -> object:
    from papertui.sources.zotero.items import from_record

    return from_record({"title": "A title", "published": text})


def _zotero_creator(text: str) -> object:
    from papertui.sources.zotero.items import creator

    return creator(text)


def _zotero_initials(text: str) -> object:
    from papertui.sources.zotero import items

    return items._initials(text, "Doe")  # its first name, unnormalised: creator joins its spaces first


M = "search/matching.py"
Q = "search/query.py"
L = "corpus/latex.py"
B = "corpus/bibtex.py"
T = "corpus/text.py"
Z = "corpus/zotero_items.py"
ZS = "sources/zotero/items.py"

def _watch_fold(text: str) -> object:
    from papertui.marks.watch import fold

    return fold(text)


CASES: list[Case] = [
    # The watch list (marks/watch.py): accents folded from every title and abstract.
    Case("watch fold: accents on every letter", ("marks/watch.py:_ACCENTS",), _watch_fold, lambda n: repeat("é́⃐", n)),
    # The filter: a pasted word with no separator, the compound pattern's worst case.
    Case("query words: one long word", (f"{M}:COMPOUND", f"{M}:WORD", f"{M}:_SEPARATORS"), _query_words, lambda n: "a" * n, 2_000),
    Case("query words: a word, then separators and none after", (f"{M}:COMPOUND",), _query_words, lambda n: "a" + "-" * n, 2_000),
    Case("query words: compounds that end in separators", (f"{M}:COMPOUND",), _query_words, lambda n: repeat("ab-cd/" + "." * 30, n), 2_000),
    Case("index words: one long word, with its parts", (f"{M}:COMPOUND", f"{M}:PART", f"{M}:_SPLITTABLE"), _index_words, lambda n: "a" * n + "B1", 2_000),
    Case("index words: capitals then one small letter", (f"{M}:PART", f"{M}:_SPLITTABLE"), _index_words, lambda n: "A" * n + "a1", 2_000),
    Case("parse query: a run of quotes", (f"{Q}:_FIELD",), _parse_query, lambda n: '"' * n),
    Case("parse query: a word with no colon", (f"{Q}:_FIELD",), _parse_query, lambda n: "a" * n, 5_000),
    Case("parse query: field after field", (f"{Q}:_FIELD",), _parse_query, lambda n: repeat("t:", n), 5_000),
    Case("parse query: a long date bound", (f"{Q}:_DATE_BOUND",), _parse_query, lambda n: "date:>=" + "1" * n, 5_000),
    Case("parse query: a long upvotes bound", (), _parse_query, lambda n: "upvotes:>=" + "1" * n, 5_000),
    Case("like: a quote never closed", (f"{Q}:_REFERENCE",), _like_references, lambda n: '"' + "a" * n, 5_000),
    Case("like: quotes and commas", (f"{Q}:_REFERENCE",), _like_references, lambda n: repeat('"a,', n), 5_000),
    Case(
        "search: one long word",
        ("search/vocabulary.py:_scan_containing:<dynamic>", "search/evaluate.py:_PLAIN_TOKEN"),
        _search, lambda n: "a" * n, 2_000,
    ),
    Case("search: 'a long substring", ("search/evaluate.py:_PLAIN_TOKEN",), _search, lambda n: "'" + "a" * n, 2_000),
    Case("search: many words", (), _search, lambda n: repeat("ab ", n), 2_000),
    Case("search: a long word that a hostile abstract holds", ("search/vocabulary.py:_scan_containing:<dynamic>",), _search_the_hostile_word, lambda n: "aaaaaa" + "b" * (n - 6), 2_000),
    Case("phrase: long words after the first", ("search/index.py:Phrase.__init__:<dynamic>",), _long_phrase, lambda n: "a" * n, 5_000),
    Case("phrase: 200 letters after the first", ("search/index.py:Phrase.__init__:<dynamic>",), _phrase(("a", "a" * 199 + "b")), lambda n: "x" + "a" * n + "b", 5_000),
    Case("phrase: a match at every letter", ("search/index.py:Phrase.__init__:<dynamic>",), _phrase(("a", "a")), lambda n: "x" + "a" * n, 5_000),
    Case("phrase: separators that lead nowhere", ("search/index.py:Phrase.__init__:<dynamic>",), _phrase(("a", "b")), lambda n: repeat("a" + "-" * 50, n)),
    Case("highlight: words", (f"{M}:WORD",), _match_spans, lambda n: repeat("masked thoughts ", n)),
    # LaTeX: an opening whose closing never comes.
    Case("latex: accent then spaces", (f"{L}:_ACCENT",), _latex, lambda n: "\\u" + " " * n + "{"),
    Case("latex: accents then spaces, repeated", (f"{L}:_ACCENT",), _latex, lambda n: repeat("\\'" + " " * 40, n)),
    Case("latex: \\emph{ never closed", (f"{L}:_WRAPPER", f"{L}:_COMMAND", f"{L}:_BRACES"), _latex, lambda n: "\\emph{" + "a" * n),
    Case("latex: \\emph{ repeated", (f"{L}:_WRAPPER",), _latex, lambda n: repeat("\\emph{a ", n)),
    Case("latex: {\\em never closed", (f"{L}:_FONT_SWITCH",), _latex, lambda n: "{\\em " + "a" * n),
    Case("latex: \\frac{a}{ never closed", (f"{L}:_FRAC", f"{L}:_grouped:\\\\?\\w+"), _latex, lambda n: "\\frac{a}{" + "b" * n),
    Case("latex: \\frac{long}{b}", (f"{L}:_FRAC", f"{L}:_grouped:\\\\?\\w+"), _latex, lambda n: "\\frac{" + "a" * n + "}{b}"),
    Case("latex: one long command", (f"{L}:_COMMAND",), _latex, lambda n: "\\" + "a" * n),
    Case("latex: math accent then spaces", (f"{L}:_MATH_ACCENT",), _latex, lambda n: "\\hat" + " " * n + "{"),
    Case("latex: \\sqrt{ never closed", (f"{L}:_SQRT",), _latex, lambda n: "\\sqrt{" + "a" * n),
    Case("latex: \\cite{ never closed", (f"{L}:_CITE",), _latex, lambda n: "~\\cite{" + "a" * n),
    Case("latex: \\[ never closed", (f"{L}:_DISPLAY_MATH",), _latex, lambda n: "\\[" + "a" * n),
    Case("latex: \\[ \\( repeated", (f"{L}:_DISPLAY_MATH",), _latex, lambda n: repeat("\\[ \\( ", n)),
    Case("latex: $ never closed, escaped dollars", (f"{L}:_MATH",), _latex, lambda n: "$a" + repeat("\\$", n)),
    Case("latex: $ before spaces, repeated", (f"{L}:_MATH",), _latex, lambda n: repeat("$a ", n)),
    Case("latex: ^{ never closed in math", (f"{L}:_SCRIPT_BRACES",), _latex, lambda n: "$x^{" + "a" * n + "$"),
    Case("latex: dashes", (f"{L}:_EN_DASH",), _latex, lambda n: repeat("a--", n)),
    Case("latex: backticks never closed", (f"{L}:_SINGLE_QUOTES",), _latex, lambda n: repeat("`" + "a" * 100, n)),
    Case("latex: tildes", (f"{L}:latex_to_text:(?<!\\\\)~",), _latex, lambda n: "~" * n),
    # BibTeX.
    Case("bibtex: @ and a long word", (f"{B}:_ENTRY",), _bibtex, lambda n: "@" + "a" * n),
    Case("bibtex: @ repeated", (f"{B}:_ENTRY",), _bibtex, lambda n: repeat("@ a", n)),
    Case("bibtex: an entry left open, then blank lines", (f"{B}:_ENTRY_AT_LINE_START",), _bibtex, lambda n: "@misc{a, title={x\n" + repeat(" \t\n", n)),
    Case("bibtex: a field name with no =", (f"{B}:_FIELD_NAME",), _bibtex, lambda n: "@misc{k, a" + " " * n + "}"),
    Case("bibtex: a long bare value", (f"{B}:_BARE",), _bibtex, lambda n: "@misc{k, title = " + "a" * n + "}"),
    Case("bibtex: arXiv: then spaces", (f"{B}:_ARXIV_IN_TEXT",), _bibtex, lambda n: "@misc{k, title={t}, journal={arXiv:" + " " * n + "}}"),
    Case("bibtex: a long DOI", (f"{B}:_arxiv_id:10\\.48550/arXiv\\.([\\w.]+)",), _bibtex, lambda n: "@misc{k, title={t}, doi={10.48550/arXiv." + "1" * n + "-}}"),
    Case("bibtex: authors", (f"{B}:_split_authors:(\\s+and\\s+|[{{}}])", f"{B}:_split_authors:\\s+and\\s+"), _bibtex, lambda n: "@misc{k, title={t}, author={" + repeat("a and {b and ", n) + "}}"),
    Case("bibtex: a long year", (f"{B}:_date:\\d{{4}}",), _bibtex, lambda n: "@misc{k, title={t}, year={" + "1" * n + "}}"),
    # Text passes every parser uses.
    Case("controls: CSI never ended", (f"{T}:_ESCAPE_SEQUENCE", f"{T}:_CONTROL", f"{T}:_SURROGATE"), _strip_controls, lambda n: "\x1b[" + "0" * n + "\x00"),
    Case("controls: escapes repeated", (f"{T}:_ESCAPE_SEQUENCE",), _strip_controls, lambda n: repeat("\x1b[0\x1b]a\x1bPb", n)),
    Case("controls: lone surrogates", (f"{T}:_SURROGATE",), _strip_controls, lambda n: "\ud800" * n),
    Case("emoji parts", (f"{T}:_EMOJI_SEQUENCE_PARTS",), _drawable, lambda n: repeat("\u200d\ufe0f", n) + "é"),
    Case("derived title: a stop, then spaces", (f"{T}:_SENTENCE_END",), _derive_title, lambda n: repeat("a." + " " * 30 + "b", n)),
    Case("hf page: newline then spaces", ("corpus/hf_daily_page.py:_BLANK_LINES", "corpus/hf_daily_page.py:DATE_LINE"), _hf_page, lambda n: "Mar 14\n\nA title\n\n" + repeat("\n" + " \t" * 40, n)),
    Case("hf page: a long date line", ("corpus/hf_daily_page.py:DATE_LINE",), _hf_page, lambda n: "Mar" + "a" * n + " 14\n\nt\n\na"),
    Case("rss: a header that never ends", ("corpus/arxiv_rss.py:_HEADER", "corpus/arxiv_rss.py:_ABSTRACT"), _arxiv_rss, lambda n: _rss("arXiv:" + repeat("v1", n) + " Announce Type: new Abstract: x")),
    Case("rss: long authors", ("corpus/arxiv_rss.py:_item:,\\s*(?:and\\s+)?|\\s+and\\s+",), _arxiv_rss, lambda n: _rss("x", creator=repeat("a, and ", n))),
    Case("rss: <pubDate> never closed", ("corpus/arxiv_rss.py:announced_on:<pubDate>([^<]+)</pubDate>",), _announced_on, lambda n: repeat("<pubDate>" + "a" * 40, n)),
    Case("json: authors as one string", ("corpus/json_papers.py:_AUTHOR_SPLIT",), _json_authors, lambda n: repeat("a, and b and ", n)),
    Case("oai: authors", ("corpus/oai_pmh.py:_AUTHORS",), _oai_authors, lambda n: repeat("a, and b and ", n)),
    Case("title/pdf/summary: fields", ("corpus/title_pdf_summary.py:FIELD",), _title_pdf_summary, lambda n: "Title:" + " \t" * (n // 2) + "x\nSummary: s"),
    Case("dates: a long date", ("corpus/records.py:_DATE",), _iso_date, lambda n: repeat("2024-", n)),
    Case("listing date: a long month", ("corpus/facts.py:_LISTED",), _listed_date, lambda n: "Mar" + "a" * n + " 1"),
    Case("id month: slashes", ("corpus/facts.py:_NEW_ID", "corpus/facts.py:_OLD_ID"), _id_month, lambda n: repeat("/1234567", n) + "x"),
    Case("text key: separators", ("corpus/merge.py:_NON_WORD",), _text_key, lambda n: "é" + repeat("-_", n)),
    # ids and URLs.
    Case("arXiv URL: many host labels", ("links.py:_ID_IN_URL",), _id_from_url, lambda n: "https://" + repeat("arxiv.", n) + "x"),
    Case("arXiv URL: one long label", ("links.py:_ID_IN_URL",), _id_from_url, lambda n: "https://" + "a" * n),
    Case("arXiv id: a long archive name", ("links.py:_BARE_ID", "links.py:_ID_IN_URL"), _parse_id, lambda n: repeat("a-", n) + "/1234567x"),
    Case("URLs: closing brackets at the end", ("links.py:_URL",), _urls_in, lambda n: "https://x.org/a" + ")" * n, 5_000),
    Case("URLs: full stops at the end", ("links.py:_URL",), _urls_in, lambda n: "https://x.org/a" + "." * n, 5_000),
    Case("URLs: many", ("links.py:_URL",), _urls_in, lambda n: repeat("http://a https://b. ", n), 5_000),
    Case("resolve: a long title", ("resolve.py:title_query:\\w+", "resolve.py:_spaced:\\w+"), _resolve_title, lambda n: repeat("a-b ", n), 5_000),
    # Other owners' files.
    Case("export: Markdown and BibTeX of a long title", ("export/markdown.py:_MARKDOWN_SPECIAL", "export/bibtex.py:_BIBTEX_SPECIAL", "export/bibtex.py:citation_key:[\\s:/-]+", "export/bibtex.py:_ascii_word:[^a-z0-9]"), _markdown_line, lambda n: repeat("a_*:/-", n)),
    Case(
        "export: appending to a .bib of open entries", ("export/bibtex.py:_ENTRY_KEY", "export/bibtex.py:_EPRINT"), _bibtex_to_append, lambda n: repeat("@a{", n), 1_000,
    ),
    Case("export: eprint fields never closed", ("export/bibtex.py:_EPRINT",), _bibtex_to_append, lambda n: repeat("eprint = {  ", n)),
    Case("export: key words", ("export/bibtex.py:_KEY_WORD",), _key_word, lambda n: repeat("abc ", n)),
    Case("export: old-style id archive", ("export/bibtex.py:_OLD_STYLE_ARCHIVE",), _old_style_archive, lambda n: "a" * n),
    Case(
        "recommend: a long number", ("recommend/lexical.py:_WORD",), _paper_terms, lambda n: "1" * n, 600,
    ),
    Case("pdfs: over-budget lines", ("pdfs/text.py:_OVER_MEMORY", "pdfs/text.py:_OVER_TIME"), _pdf_budget, lambda n: repeat("needed more than the 12345678 took longer than the 1 ", n)),
    Case("pdfs: a version with many digits", ("pdfs/store.py:_VERSION",), _split_version, lambda n: "2406.16845v" + "1" * n),
    Case("library: opening time", ("sources/library.py:_ISO_TIME",), _iso_time, lambda n: "2024-01-01T" + "1" * n),
    Case("library: surrogate escapes that are not", ("sources/library.py:_SURROGATE_ESCAPE",), _surrogate_escape, lambda n: repeat("\\ud", n)),
    Case("library: slug", ("sources/library.py:slug:[^A-Za-z0-9.+-]+",), _slug, lambda n: repeat("a!", n)),
    Case("nesting: JSON strings", ("storage/nesting.py:_JSON_STRING", "storage/nesting.py:_NOT_BRACKET"), _json_too_deep, lambda n: "[" * 10 + repeat('"\\', n)),
    Case("nesting: TOML strings never closed", ("storage/nesting.py:_TOML_SKIPPED", "storage/nesting.py:_NOT_BRACKET", "storage/nesting.py:_DECIMAL_POINT"), _toml_too_deep, lambda n: "[" * 10 + "." * 10 + repeat("'''\"\"\"#1.1", n)),
    Case("cache: snapshot names", ("cache/entries.py:SNAPSHOT_NAME", "cache/entries.py:BUILDING_NAME"), _snapshot_names, lambda n: ".building-" + "0" * n),
    Case(
        "citations: DOI, URL and id answers",
        ("sources/citations/answers.py:_S2_ID", "sources/citations/answers.py:_DOI", "sources/citations/answers.py:_URL",
         "sources/citations/answers.py:doi:^(?:https?://(?:dx\\.)?doi\\.org/|doi:)"),
        _citation_answers, lambda n: "https://doi.org/10.1234/" + "a" * n,
    ),
    Case("citations: doi.org links", ("sources/citations/model.py:_DOI_LINK",), _doi_link, lambda n: "https://doi.org/10.1234/" + "a" * n + " "),
    # Zotero: the reader (corpus/zotero_items.py) and the items papertui sends (sources/zotero/items.py).
    Case("zotero: arXiv: then spaces", (f"{Z}:_ARXIV_IN_TEXT",), _zotero_arxiv, lambda n: "arXiv:" + " " * n + "!"),
    Case("zotero: arXiv: then spaces, repeated", (f"{Z}:_ARXIV_IN_TEXT",), _zotero_arxiv, lambda n: repeat("arXiv:" + " " * 40, n)),
    Case("zotero: arXiv: and a long id that is not one", (f"{Z}:_ARXIV_IN_TEXT",), _zotero_arxiv, lambda n: "arXiv:" + "a" * n),
    Case("zotero: many arXiv: ids that are not", (f"{Z}:_ARXIV_IN_TEXT",), _zotero_arxiv, lambda n: repeat("arxiv:a. ", n)),
    Case("zotero: DOI: in extra, then blanks", (f"{Z}:_DOI_IN_EXTRA",), _zotero_doi_in_extra, lambda n: "DOI:" + repeat(" \t", n) + "x"),
    Case("zotero: lines of blanks in extra", (f"{Z}:_DOI_IN_EXTRA",), _zotero_doi_in_extra, lambda n: repeat("\n" + " \t" * 20, n)),
    Case("zotero: DOI: lines that are not", (f"{Z}:_DOI_IN_EXTRA",), _zotero_doi_in_extra, lambda n: repeat("\n DOI: \t 1", n)),
    Case("zotero: a date that runs on", (f"{Z}:_MULTIPART_DATE",), _zotero_date, lambda n: "2023-06-00" + "1" * n),
    Case("zotero: date starts, repeated", (f"{Z}:_MULTIPART_DATE",), _zotero_date, lambda n: repeat("2023-", n)),
    Case("zotero: a long item key", (f"{Z}:_ITEM_KEY",), _zotero_item_key, lambda n: "A" * n),
    Case("zotero send: a long DOI", (f"{ZS}:_DOI", f"{ZS}:_DOI_LINK"), _zotero_send_doi, lambda n: "10.1234/" + "a" * n + " x"),
    Case("zotero send: a DOI of digits", (f"{ZS}:_DOI",), _zotero_send_doi, lambda n: "10." + "1" * n),
    Case("zotero send: a long doi.org link", (f"{ZS}:_DOI_LINK",), _zotero_send_doi, lambda n: "https://doi.org/10.1234/" + "a" * n),
    Case("zotero send: a date that runs on", (f"{ZS}:_DATE",), _zotero_send_date, lambda n: "2024-01-0" + "1" * n),
    Case(
        "zotero send: a name of periods", (f"{ZS}:creator:\\.([^ ])", f"{ZS}:creator:, ?", f"{ZS}:_FIRST_NAME_PARTS", f"{ZS}:_INITIAL"),
        _zotero_creator, lambda n: "Doe, J" + repeat(".x", n),
    ),
    Case(
        "zotero send: a first name of words, then a dash", (f"{ZS}:_DASH_SPACES", f"{ZS}:_FIRST_NAME_PARTS", f"{ZS}:_INITIAL"),
        _zotero_creator, lambda n: "Doe, " + repeat("A ", n) + "-",
    ),
    Case("zotero send: capitals then a small letter", (f"{ZS}:_ALL_CAPS",), _zotero_creator, lambda n: "Doe, " + "A" * n + "a"),
    Case("zotero send: periods and spaces", (f"{ZS}:_FIRST_NAME_PARTS", f"{ZS}:creator:\\.([^ ])"), _zotero_creator, lambda n: "Doe, " + repeat(". ", n) + "a"),
    Case("zotero send: commas", (f"{ZS}:creator:, ?",), _zotero_creator, lambda n: repeat(", ", n) + "a"),
    Case("zotero send: a run of tabs and no dash", (f"{ZS}:_DASH_SPACES", f"{ZS}:_FIRST_NAME_PARTS"), _zotero_initials, lambda n: "A" + "\t" * n + "B"),
    Case(
        "zotero send: words that do not start with a letter", (), _zotero_creator, lambda n: "a" + repeat(" 1", n),
    ),
]


# --- the per-record work of a read, made cheaper (tests/test_fast_records.py) ---------------------


def _word_set(text: str) -> object:
    from papertui.search.vocabulary import word_set

    return word_set(text, parts=True)


CASES += [
    Case("word set: letters, no digit, an accent", (f"{M}:_DIGIT", f"{M}:_SPLITTABLE"), _word_set, lambda n: "é" + "a" * n),
    Case("word set: a letter and a digit at the end", (f"{M}:_DIGIT", f"{M}:_SPLITTABLE"), _word_set, lambda n: "é" + "a" * n + "1"),
    Case("word set: one long non-ASCII compound", (f"{M}:COMPOUND", f"{M}:WORD"), _word_set, lambda n: repeat("é-", n)),
    Case("word set: non-ASCII words between separators", (f"{M}:COMPOUND", f"{M}:WORD"), _word_set, lambda n: repeat("é–a-b ", n)),
    Case("text key: ever more different capitals to fold", ("corpus/merge.py:_NON_WORD",), _text_key, lambda n: _distinct_capitals(n)),
]


def _distinct_capitals(n: int) -> str:
    """Pairs of non-ASCII capitals, each pair a different one, between ASCII letters."""
    capitals = [chr(c) for c in range(0x100, 0x2000) if chr(c).isupper() and chr(c).casefold() != chr(c)]
    pairs = (capitals[i % len(capitals)] + capitals[i // len(capitals) % len(capitals)] for i in range(n // 3))
    return "a".join(pairs)


# --- timing -------------------------------------------------------------------------------

GROWTH = 8
TARGET = 0.002  # seconds a timing at n lasts at least: short runs are repeated, for the clock's sake


def seconds_per_run(run: Callable[[str], object], text: str, repeats: int, tries: int = 3) -> float:
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()  # a collection falling in one size's run and not the other's is noise
    try:
        for _ in range(tries):
            start = time.perf_counter()
            for _ in range(repeats):
                run(text)
            best = min(best, time.perf_counter() - start)
    finally:
        if enabled:
            gc.enable()
    return best / repeats


def times(case: Case, n: int | None = None) -> tuple[float, float]:
    """Seconds per run of `case` on its worst input of n and of GROWTH × n characters."""
    n = n or case.n
    small, large = case.worst(n), case.worst(n * GROWTH)
    once = seconds_per_run(case.run, small, 1, tries=1)  # also the warm-up: imports, compiled patterns
    repeats = max(1, min(1000, int(TARGET / max(once, 1e-7))))
    return seconds_per_run(case.run, small, repeats), seconds_per_run(case.run, large, max(1, repeats // GROWTH))

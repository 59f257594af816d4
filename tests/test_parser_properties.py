"""Property tests for every parser: any input at all is survived with warnings, never an
exception; generated valid files give back every record with its fields intact."""

from __future__ import annotations

import datetime
import io
import json
import unicodedata
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papertui.corpus.loader import load_file
from papertui.corpus.standard_input import STDIN, read_stdin_from
from papertui.corpus.merge import CorpusBuilder
from papertui.corpus.model import FileReport
from papertui.corpus.sniff import FORMATS, sniff_format
from papertui.corpus.text import normalise_lines

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- any input ----------------------------------------------------------------------

# Pieces of every format, so random text often looks like one and reaches deep code paths.
FRAGMENTS = [
    "Title: ", "PDF: https://arxiv.org/pdf/2401.00001", "Summary: ", "---", "Abstract: ", "\n", "\n\n", "Mar 14",
    "Subscribe", "byAK and the research community", '<?xml version="1.0"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
    "<entry>", "</entry>", "<title>", "</title>", "<id>http://arxiv.org/abs/2401.00002v1</id>", "<summary>", "</summary>",
    "</feed>", "[", "]", "{", "}", '"title": ', '"abstract": ', '"paper": {', '"authors": [', ",", ":", "null", "1e999",
    "@article{key,", "title = {", "eprint = {2401.00003}", "author = {A and B}", "@string{x = {y}}", "$x^2$", "\\'e",
    "\\frac{a}{b}", "\\", "%", "&amp;", "&#0;", "\x00", "\x1b]52;c;eA==\x07", "\ufeff", "\r\n", "\r", "é", "论文",
]  # fmt: skip
format_like_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join)
any_text = st.one_of(st.text(), format_like_text)


def parse(fmt, text: str) -> tuple[list, FileReport]:
    report = FileReport("generated")
    source = text.split("\n") if fmt.by_lines else text
    return list(fmt.parse(source, report)), report


@SETTINGS
@given(any_text)
def test_no_parser_raises_on_any_text(text):
    text = normalise_lines(text)
    for fmt in FORMATS.values():
        records, report = parse(fmt, text)
        assert all("\n" not in warning for warning in report.warnings)
        for record in records:
            assert record.abstract is not None and (record.title is None or record.title)


@SETTINGS
@given(st.one_of(st.binary(max_size=2000), format_like_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_loading_any_bytes_never_raises(data):
    report = FileReport("generated")
    builder = CorpusBuilder()
    read_stdin_from(io.BytesIO(data))
    try:
        list(load_file(STDIN, report, builder))
    finally:
        read_stdin_from(None)
    builder.finish()
    assert report.records >= len(builder.papers)
    assert all("\n" not in warning for warning in report.warnings)


# --- valid records ------------------------------------------------------------------


# Letters and digits of any script (no LaTeX or markup specials), and a little punctuation.
word = st.text(st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=8).map(
    lambda w: unicodedata.normalize("NFC", w)  # as papertui keeps text
)
plain_word = word.filter(lambda w: w.lower() != "and")
punctuated = st.tuples(plain_word, st.sampled_from(["", "", "", ",", ";", ":", "?", "!"])).map("".join)
title = st.tuples(st.lists(punctuated, min_size=1, max_size=11), plain_word).map(lambda t: " ".join([*t[0], t[1]]))
sentence = st.lists(punctuated, min_size=3, max_size=15).map(lambda words: " ".join(words).rstrip(",;:?!") + ".")
abstract = st.lists(sentence, min_size=3, max_size=6).map(" ".join)
name = st.lists(plain_word, min_size=2, max_size=3).map(" ".join)
arxiv_id = st.from_regex(r"2[0-4](0[1-9]|1[0-2])\.[0-9]{5}", fullmatch=True)  # ASCII digits: ids have no others
date = st.dates(min_value=datetime.date(1991, 1, 1), max_value=datetime.date(2030, 12, 31)).map(datetime.date.isoformat)
category = st.sampled_from(["cs.CL", "cs.LG", "hep-th", "math.AG", "stat.ML"])

papers = st.fixed_dictionaries(
    {
        "title": title,
        "abstract": abstract,
        "id": arxiv_id,
        "authors": st.lists(name, min_size=1, max_size=4),
        "categories": st.lists(category, min_size=1, max_size=3, unique=True),
        "published": date,
        "upvotes": st.integers(0, 5000),
    }
)
paper_lists = st.lists(papers, min_size=1, max_size=6, unique_by=lambda p: p["id"])


def title_pdf_summary(papers) -> str:
    return "".join(f"Title: {p['title']}\nPDF: https://arxiv.org/pdf/{p['id']}\nSummary: {p['abstract']}\n---\n" for p in papers)


def abstract_lines(papers) -> str:
    return "".join(f"Abstract: {p['abstract']}\n" for p in papers)


def hf_daily_page(papers) -> str:
    return "Subscribe\n\nbyAK and the research community\n\nMar 14\n\n" + "".join(
        f"{p['title']}\n\n{p['abstract']}\n\n" for p in papers
    )


def arxiv_atom(papers) -> str:
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{p['id']}v1</id><published>{p['published']}T00:00:00Z</published>"
        f"<title>{escape(p['title'])}</title><summary>{escape(p['abstract'])}</summary>"
        + "".join(f"<author><name>{escape(a)}</name></author>" for a in p["authors"])
        + "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in p["categories"])
        + "</entry>"
        for p in papers
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>\n'


def papers_json(papers) -> str:
    return json.dumps(
        [
            {"paper": {"id": p["id"], "title": p["title"], "summary": p["abstract"], "authors": [{"name": a} for a in p["authors"]],
                       "publishedAt": f"{p['published']}T00:00:00.000Z", "upvotes": p["upvotes"]}}
            for p in papers
        ],
        ensure_ascii=False, indent=1,
    )  # fmt: skip


def json_lines(papers) -> str:
    return "".join(
        json.dumps({"id": p["id"], "title": p["title"], "abstract": p["abstract"], "authors": ", ".join(p["authors"]),
                    "categories": " ".join(p["categories"]), "update_date": p["published"]}, ensure_ascii=False) + "\n"
        for p in papers
    )  # fmt: skip


def bibtex(papers) -> str:
    return "".join(
        f"@misc{{key{n},\n  title = {{{p['title']}}},\n  author = {{{' and '.join(p['authors'])}}},\n"
        f"  eprint = {{{p['id']}}},\n  archivePrefix = {{arXiv}},\n  primaryClass = {{{p['categories'][0]}}},\n"
        f"  abstract = {{{p['abstract']}}}\n}}\n\n"
        for n, p in enumerate(papers)
    )


def arxiv_rss(papers) -> str:
    items = "".join(
        f"<item><title>{escape(p['title'])}</title><link>https://arxiv.org/abs/{p['id']}</link>"
        f"<description>arXiv:{p['id']}v1 Announce Type: new \nAbstract: {escape(p['abstract'])}</description>"
        + "".join(f"<category>{c}</category>" for c in p["categories"])
        + f"<arxiv:announce_type>new</arxiv:announce_type><dc:creator>{escape(', '.join(p['authors']))}</dc:creator></item>"
        for p in papers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>feed</title>{items}</channel></rss>\n'
    )


def arxiv_oai(papers) -> str:
    records = "".join(
        f"<record><header><identifier>oai:arXiv.org:{p['id']}</identifier><datestamp>2024-01-01</datestamp></header>"
        '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(p['title'])}</dc:title>"
        + "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in p["authors"])
        + f"<dc:description>{escape(p['abstract'])}</dc:description><dc:date>{p['published']}</dc:date>"
        f"<dc:identifier>http://arxiv.org/abs/{p['id']}</dc:identifier></oai_dc:dc></metadata></record>"
        for p in papers
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>{records}</ListRecords></OAI-PMH>\n'


def ris(papers) -> str:
    return "".join(
        f"TY  - PREP\nTI  - {p['title']}\n" + "".join(f"AU  - {a}\n" for a in p["authors"])
        + f"AB  - {p['abstract']}\nDA  - {p['published'].replace('-', '/')}\nUR  - https://arxiv.org/abs/{p['id']}\n"
        f"AN  - arXiv:{p['id']}\nER  - \n\n"
        for p in papers
    )


def csl_json(papers) -> str:
    return json.dumps(
        [
            {"id": f"item{n}", "type": "article", "title": p["title"], "abstract": p["abstract"],
             "author": [{"literal": a} for a in p["authors"]], "number": f"arXiv:{p['id']}", "URL": f"https://arxiv.org/abs/{p['id']}",
             "issued": {"date-parts": [[int(part) for part in p["published"].split("-")]]}}
            for n, p in enumerate(papers)
        ],
        ensure_ascii=False, indent=1,
    )  # fmt: skip


# Each writer, and the fields its format carries.
WRITERS = {
    "title-pdf-summary": (title_pdf_summary, ["title", "abstract", "id"]),
    "abstract-lines": (abstract_lines, ["abstract"]),
    "hf-daily-page": (hf_daily_page, ["title", "abstract"]),
    "arxiv-atom": (arxiv_atom, ["title", "abstract", "id", "authors", "categories", "published"]),
    "papers-json": (papers_json, ["title", "abstract", "id", "authors", "published", "upvotes"]),
    "json-lines": (json_lines, ["title", "abstract", "id", "authors", "categories", "published"]),
    "bibtex": (bibtex, ["title", "abstract", "id", "authors", "primary category"]),
    "arxiv-rss": (arxiv_rss, ["title", "abstract", "id", "authors", "categories"]),
    "arxiv-oai": (arxiv_oai, ["title", "abstract", "id", "authors", "published"]),
    "ris": (ris, ["title", "abstract", "id", "authors", "published"]),
    "csl-json": (csl_json, ["title", "abstract", "id", "authors", "published"]),
}


def record_fields(record, wanted: list[str]) -> dict:
    found = {
        "title": record.title, "abstract": record.abstract, "id": record.arxiv_id, "authors": list(record.authors),
        "categories": list(record.categories), "published": record.published, "upvotes": record.upvotes,
        "primary category": record.categories[0] if record.categories else None,
    }  # fmt: skip
    return {key: found[key] for key in wanted}


def paper_fields(paper, wanted: list[str]) -> dict:
    paper = dict(paper, **{"primary category": paper["categories"][0]})
    return {key: paper[key] for key in wanted}


def test_every_format_has_a_writer():
    assert set(WRITERS) == set(FORMATS)


@SETTINGS
@given(paper_lists, st.sampled_from(sorted(WRITERS)))
def test_valid_records_come_back_with_their_fields_intact(papers, fmt_name):
    write, wanted = WRITERS[fmt_name]
    text = write(papers)
    fmt = sniff_format(text)
    assert fmt is not None and fmt.name == fmt_name
    records, report = parse(fmt, text)
    assert report.warnings == []
    assert [record_fields(r, wanted) for r in records] == [paper_fields(p, wanted) for p in papers]

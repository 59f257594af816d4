"""Papers as BibTeX entries, with keys as people cite (`vaswani2017attention`).

A paper Semantic Scholar places at a conference is `@inproceedings` with its `booktitle`, one
in a journal `@article` with its `journal`; otherwise (a preprint, or nothing known) `@misc`
with the arXiv `eprint`. The year and DOI are Semantic Scholar's when it knows them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from papertui.corpus.facts import date_key
from papertui.corpus.model import Paper
from papertui.links import paper_link

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations

_BIBTEX_SPECIAL = re.compile(r"(?<!\\)([&%#_])")
_OLD_STYLE_ARCHIVE = re.compile(r"([a-z-]+(?:\.[A-Z]{2})?)/")
_KEY_WORD = re.compile(r"[A-Za-z]{4,}")
# Semantic Scholar names a preprint server as the venue or journal of a paper not published
# elsewhere ("arXiv.org", journal "ArXiv"): that is not a venue to cite. (Words looked for in
# the case-folded name, not patterns: nothing to backtrack on a hostile venue.)
_PREPRINT_SERVERS = ("arxiv", "biorxiv", "medrxiv", "chemrxiv", "ssrn", "social science research network", "research square")
# Semantic Scholar's names of conferences: "… Conference on …", "Annual Meeting of …", and
# the two big ones whose names say neither.
_PROCEEDINGS_WORDS = (
    "conference", "workshop", "symposium", "proceedings", "meeting", "congress", "colloquium",
    "neural information processing systems", "computer vision and pattern recognition",
)  # fmt: skip
_JOURNAL_WORDS = ("journal", "transactions", "letters", "review", "magazine", "annals", "bulletin")


def _says(name: str, words: tuple[str, ...]) -> bool:
    folded = name.casefold()
    return any(word in folded for word in words)


def no_citations(paper: Paper) -> None:
    return None


def bibtex(papers: list[Paper], used: set[str] | None = None, citations_of: Callable[[Paper], Citations | None] = no_citations) -> str:
    """Entries with keys as people cite (`vaswani2017attention`), unique among themselves and
    `used` (the keys a file already holds): a clash gets a, b, c…"""
    keys = unique_keys(papers, used)
    return "\n".join(bibtex_entry(paper, key, citations_of(paper)) for paper, key in zip(papers, keys))


def unique_keys(papers: Iterable[Paper], used: Iterable[str] | None = ()) -> Iterator[str]:
    """Each paper's citation key, unique among them and `used`: a clash gets a, b, c… (then
    27, 28…). Each base key goes on from its last suffix: n papers of one key are n steps, not n²."""
    used = set(used or ())
    next_suffix: dict[str, int] = {}
    for paper in papers:
        key = base = citation_key(paper)
        suffix = next_suffix.get(base, 0)
        while key in used:
            suffix += 1
            key = f"{base}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
        next_suffix[base] = suffix
        used.add(key)
        yield key


_NOT_SIGNIFICANT = frozenset(
    "a an the on of in for to with and or towards toward is are do does how what why when can via from by at as we our "
    "your its it this that these into over under about beyond".split()
)
# A key holds no brace: tried from every `@` of a .bib of unclosed entries (`@a{@a{…`), `[^,\s]+`
# read on to the next comma or space each time (n²).
_ENTRY_KEY = re.compile(r"@\w+\s*\{\s*([^,\s{}]+)\s*,")
_EPRINT = re.compile(r"\beprint\s*=\s*[{\"]\s*([^}\"\s]+)", re.IGNORECASE)


def citation_key(paper: Paper) -> str:
    """As people cite: first author's last name, year, first significant title word —
    `vaswani2017attention`; the parts a paper lacks are left out (`attention` alone at worst)."""
    last = ""
    if paper.authors:
        words = paper.authors[0].replace(",", " ").split()
        last = _ascii_word(words[-1] if "," not in paper.authors[0] else paper.authors[0].split(",")[0]) if words else ""
    year = date_key(paper) // 10000
    word = next((w for w in (_ascii_word(part) for part in re.split(r"[\s:/-]+", paper.title)) if w and w not in _NOT_SIGNIFICANT), "")
    key = f"{last}{year or ''}{word}" if last else f"{word}{year or ''}"
    return key or "paper"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def bibtex_to_append(
    existing: str, papers: list[Paper], citations_of: Callable[[Paper], Citations | None] = no_citations
) -> tuple[str, int]:
    """Entries for `papers` that an existing .bib does not hold yet (by arXiv id or by key),
    with keys unique against it; and how many were left out as already there."""
    keys = set(_ENTRY_KEY.findall(existing))
    ids = {found.lower().removeprefix("arxiv:") for found in _EPRINT.findall(existing)}
    fresh = [p for p in papers if not (p.arxiv_id and p.arxiv_id.lower() in ids) and citation_key(p) not in keys]
    text = bibtex(fresh, keys, citations_of)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    return (separator + text if text else ""), len(papers) - len(fresh)


def published_in(citations: Citations | None) -> tuple[str, str, str] | None:
    """(entry type, field, name): ("inproceedings", "booktitle", conference) or ("article",
    "journal", journal); None for a preprint or when nothing is known."""
    if citations is None or not citations.found:
        return None
    journal = citations.journal if citations.journal and not _says(citations.journal, _PREPRINT_SERVERS) else None
    venue = citations.venue if citations.venue and not _says(citations.venue, _PREPRINT_SERVERS) else None
    if journal and not _says(journal, _PROCEEDINGS_WORDS):
        return "article", "journal", journal
    where = venue or journal
    if where is None:
        return None
    if not journal and _says(where, _JOURNAL_WORDS) and not _says(where, _PROCEEDINGS_WORDS):
        return "article", "journal", where
    return "inproceedings", "booktitle", where


def bibtex_entry(paper: Paper, key: str, citations: Citations | None = None) -> str:
    fields = [("title", "{" + bibtex_text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_name(name) for name in paper.authors)))
    published = published_in(citations)
    if published is not None:
        fields.append((published[1], bibtex_text(published[2])))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        old_style = _OLD_STYLE_ARCHIVE.match(paper.arxiv_id)
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
        elif old_style:
            fields.append(("primaryClass", old_style.group(1)))
    doi = citations.doi if citations is not None and citations.found else None
    if doi and "\\" not in doi and _balanced(doi):  # a DOI is verbatim in biblatex: one that would need escaping is left out
        fields.append(("doi", doi))
    fields.append(("url", paper_link(paper, "abs").url))
    year = (citations.year if citations is not None and citations.found else None) or date_key(paper) // 10000
    if year:
        fields.append(("year", str(year)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    entry_type = published[0] if published is not None else "misc"
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _bibtex_name(name: str) -> str:
    """A name BibTeX reads as one person: a name holding ` and ` or a comma is braced."""
    text = bibtex_text(name)
    return "{" + text + "}" if " and " in text or "," in text else text


def bibtex_text(text: str) -> str:
    """Text safe inside BibTeX braces: LaTeX specials escaped, braces balanced, and `$` kept
    for math only when the dollars pair up."""
    text = _BIBTEX_SPECIAL.sub(r"\\\1", text)
    if not _balanced(text):  # BibTeX counts braces even after a backslash: spell them out
        text = text.replace("{", "\x00").replace("}", r"\textbraceright{}").replace("\x00", r"\textbraceleft{}")
    if text.count("$") % 2:
        text = text.replace("$", r"\$")
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0

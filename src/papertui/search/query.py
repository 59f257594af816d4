"""The query language: fzf's operators, plus fields and filters on the marks.

A query is a conjunction of groups; a group is one term or several joined by ` | ` (OR).

    graph neural          both words, typos forgiven (the default term)
    'exact  "a phrase"    a substring, case-insensitive unless it holds a capital (smart case)
    ^prefix  suffix$      the title starts / ends with it
    !term                 NOT: the paper does not contain it (a substring, as in fzf)
    -is:read  -tag:x      NOT, for a field (`!is:read` too)
    title: t: abstract: abs:   the term only in that field
    id: source: date:     substring of the arXiv id / a source file name / the date
    au: author:           part of an author's name (accents optional: balazs finds Balázs)
    cat:                  an arXiv category or its prefix: cat:cs.CL, cat:cs, cat:hep
    date:>=2024-03        compare dates (>, >=, <, <=)
    upvotes:>=10          compare Hugging Face upvotes
    citations:>=100 influential:>=10   compare Semantic Scholar's counts (`papertui enrich`)
    venue:neurips         part of the venue or journal Semantic Scholar names
    is:starred is:read is:unread is:new  tag:NAME  has:id  has:code  has:tldr
    is:dismissed          the papers marked "not interested" (x), which every other query hides
    is:watched            by an author, or with a word, of the watch list ([watch] in the config)
    in:zotero             also in the user's Zotero library
    collection:NAME       in a Zotero collection: a name (at any depth) or a path starting so

Parsing never fails: what cannot be read as an operator is read literally, and `notes`
says so, for the status line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from papertui.search.matching import query_words, tokenize

FIELD_NAMES = {
    "title": "title",
    "t": "title",
    "abstract": "abstract",
    "abs": "abstract",
    "id": "id",
    "source": "source",
    "au": "author",
    "author": "author",
    "cat": "cat",
    "category": "cat",
    "date": "date",
    "upvotes": "upvotes",
    "citations": "citations",
    "influential": "influential",
    "venue": "venue",
    "is": "is",
    "tag": "tag",
    "has": "has",
    "in": "in",
    "collection": "collection",
    "full": "full",
    "text": "full",
    "like": "like",
    "for": "for",
}
MAX_PHRASE_WORDS = 24
FILTER_KINDS = (
    "id", "source", "author", "cat", "date", "upvotes", "citations", "influential", "venue", "is", "tag", "has", "in",
    "collection", "full",
)  # fmt: skip
IS_VALUES = ("starred", "read", "unread", "new", "downloaded", "updated", "dismissed", "watched")
HAS_VALUES = ("id", "code", "tldr")
IN_VALUES = ("zotero",)
CHOICES = {"is": IS_VALUES, "has": HAS_VALUES, "in": IN_VALUES}  # filters that take one of a few words
# Answered by the citation store, which `papertui enrich` and the app fill as they go: like
# the marks, they change under a query, so their answers are cached by the marks' version.
# `has:tldr` is a term of its own kind ("tldr") for that reason.
CITATION_KINDS = ("citations", "influential", "venue", "tldr")
COUNT_KINDS = ("upvotes", "citations", "influential")  # compared as numbers
PERSONAL_KINDS = ("is", "tag", "full", *CITATION_KINDS)  # answered by the user's marks, PDF library and citations
SIMILARITY_KINDS = ("like", "about", "for")  # ranked by the recommender's vectors
_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE_BOUND = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
DATE_OPERATORS = (">=", "<=", ">", "<", "=")


@dataclass(frozen=True)
class Term:
    """One condition on a paper.

    kind: "words" (fuzzy words), "text" (a substring), or a filter: "id", "source", "author",
    "cat", "date", "upvotes", "citations", "influential", "venue", "tldr" (`has:tldr`), "is",
    "tag", "has", "in" (`in:zotero`), "collection".
    """

    kind: str
    value: str
    field: str = "any"  # words and text: any, title or abstract
    anchor: str = ""  # text: "", "start", "end" or "whole"
    negated: bool = False
    case_sensitive: bool = False
    operator: str = ""  # date: one of DATE_OPERATORS, or "" for a substring

    @property
    def words(self) -> list[str]:
        return query_words(self.value)

    @property
    def scores(self) -> bool:
        """Does this term add to a paper's rank? (Filters only select.)"""
        return self.kind in ("words", "text") and not self.negated

    def __str__(self) -> str:
        prefix = "!" if self.negated else ""
        if self.kind in ("words", "text"):
            field = "" if self.field == "any" else f"{self.field}:"
            value = self.value
            if self.kind == "text":
                value = {"start": f"^{value}", "end": f"{value}$", "whole": f"^{value}$"}.get(
                    self.anchor, f'"{value}"' if " " in value else f"'{value}"
                )
            return f"{prefix}{field}{value}"
        if self.kind == "tldr":
            return f"{prefix}has:tldr"
        return f"{prefix}{self.kind}:{self.operator}{self.value}"


@dataclass(frozen=True)
class Query:
    text: str
    groups: tuple[tuple[Term, ...], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def plain_words(self) -> tuple[str, ...] | None:
        """The words, when the query is only words to match anywhere (the fast path)."""
        terms = []
        for group in self.groups:
            if len(group) != 1:
                return None
            term = group[0]
            if term.kind != "words" or term.field != "any" or term.negated:
                return None
            terms.append(term.value)
        return tuple(query_words(" ".join(terms)))

    @property
    def phrase_words(self) -> tuple[str, ...]:
        """The words every match must have, in the order typed (of terms that stand alone):
        papers with them adjacent rank first."""
        words: list[str] = []
        for group in self.groups:
            term = group[0]
            if len(group) == 1 and term.kind == "words" and not term.negated:
                words += term.words
        return tuple(words[:MAX_PHRASE_WORDS])

    @property
    def uses_marks(self) -> bool:
        return any(term.kind in PERSONAL_KINDS + SIMILARITY_KINDS for group in self.groups for term in group)

    @property
    def shows_dismissed(self) -> bool:
        """Does the query ask for dismissed papers (`is:dismissed`, not negated)? Every other
        query hides them."""
        return any(term.kind == "is" and term.value == "dismissed" and not term.negated for group in self.groups for term in group)

    @property
    def uses_similarity(self) -> bool:
        return any(term.kind in SIMILARITY_KINDS for group in self.groups for term in group)

    @property
    def highlight_words(self) -> tuple[str, ...]:
        """Words to highlight in the list and detail pane: those of the positive text terms."""
        found: dict[str, None] = {}
        for group in self.groups:
            for term in group:
                if term.scores:
                    found.update(dict.fromkeys(query_words(term.value)))
        return tuple(found)

    def canonical(self) -> tuple:
        """Equal for queries that select and rank the same way (a cache key)."""
        return self.groups


def parse_query(text: str) -> Query:
    notes: list[str] = []
    tokens = _split(text, notes)
    groups: list[list[Term]] = []
    joining = False
    for position, token in enumerate(tokens):
        if token == "|":
            has_next = position + 1 < len(tokens) and tokens[position + 1] != "|"
            if groups and has_next and not joining:
                joining = True
            else:
                _note(notes, "a lone '|' was ignored")
            continue
        term = _term(token, notes)
        if term is None:
            joining = False
            continue
        if joining and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    unique: dict[tuple[Term, ...], None] = {}
    for group in groups:
        unique[tuple(dict.fromkeys(group))] = None
    return Query(text, tuple(unique), tuple(notes))


def _note(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _split(text: str, notes: list[str]) -> list[str]:
    """Split on spaces outside double quotes; a quote with no partner is a plain character."""
    tokens: list[str] = []
    current: list[str] = []
    quoted = False
    last_quote = text.rfind('"')  # not `'"' in text[position + 1:]`: a copy per quote, n² for a run of them
    for position, char in enumerate(text):
        if char == '"':
            if quoted:
                quoted = False
            elif position < last_quote:
                quoted = True
            else:
                _note(notes, 'an unbalanced " was read literally')
                current.append("\x00")  # a literal quote, not an operator
                continue
            current.append(char)
        elif char.isspace() and not quoted:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _term(token: str, notes: list[str]) -> Term | None:
    negated = token.startswith("!")
    body = token[1:] if negated else token
    if not negated and token.startswith("-"):  # `-is:dismissed`: as a search engine's minus, for a field only
        field_match = _FIELD.fullmatch(token[1:])
        if field_match and field_match.group(1).lower() in FIELD_NAMES:
            negated, body = True, token[1:]
    if negated and not body:
        _note(notes, "a lone '!' was ignored")
        return None
    if body.startswith("~") and len(body) > 1:
        return _similarity_term("about", _unquoted(body[1:]).strip(), negated, notes)
    field = "any"
    match = _FIELD.fullmatch(body)
    if match and match.group(2):
        name = match.group(1).lower()
        if name in FIELD_NAMES:
            field, body = FIELD_NAMES[name], match.group(2)
        else:
            _note(notes, f"'{match.group(1)}:' is not a field, read as words (fields: title: abs: au: cat: id: source: date: upvotes: citations: influential: venue: is: tag: has: in: collection:)")
    elif match and match.group(1).lower() in FIELD_NAMES:
        _note(notes, f"'{match.group(1)}:' needs a value")
        return None
    if field == "full":
        return _full_text_term(body, negated, notes)
    if field in ("like", "for"):
        return _similarity_term(field, body, negated, notes)
    if field in FILTER_KINDS:
        return _filter_term(field, _unquoted(body), negated, notes)
    return _text_term(body, field, negated, notes)


def _full_text_term(body: str, negated: bool, notes: list[str]) -> Term | None:
    """`full:word`, `full:"a phrase"`: in the text of the downloaded PDF."""
    quoted = len(body) >= 2 and body[0] == body[-1] == '"'
    value = " ".join(_unquoted(body).lower().split())
    if not tokenize(value):
        _note(notes, "full: needs words to look for in the PDFs' text")
        return None
    return Term("full", value, anchor="whole" if quoted else "", negated=negated)


def _similarity_term(kind: str, value: str, negated: bool, notes: list[str]) -> Term | None:
    """`like:2406.16845,1706.03762` or `like:"a title"` (papers like these), `~"some text"`
    (papers about it, by meaning). They rank; negated they are ignored, as nothing is unlike."""
    if negated:
        _note(notes, f"!{'~' if kind == 'about' else kind + ':'} was ignored: similarity ranks, it does not exclude")
        return None
    if kind == "about" and not tokenize(value):
        _note(notes, "~ needs words: ~\"protein folding with language models\"")
        return None
    if kind == "like" and not like_references(value):
        _note(notes, "like: needs an arXiv id or a quoted title: like:2406.16845, like:\"Masked Thought\"")
        return None
    if kind == "for":
        value = _unquoted(value).casefold()
    return Term(kind, value)


_REFERENCE = re.compile(r'"([^"]+)"|([^,"]+)')


def like_references(value: str) -> list[str]:
    """The papers a `like:` value names: arXiv ids and quoted titles, comma-separated."""
    return [(quoted or bare).strip() for quoted, bare in _REFERENCE.findall(value) if (quoted or bare).strip()]


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value.replace("\x00", '"')


def _text_term(body: str, field: str, negated: bool, notes: list[str]) -> Term | None:
    anchor = ""
    if len(body) >= 2 and body[0] == body[-1] == '"':
        needle = body[1:-1]
        if not needle.strip():
            _note(notes, "empty quotes were ignored")
            return None
        return _substring(needle, field, "", negated)
    if body.startswith("'") and len(body) > 1:
        needle = body[1:-1] if body.endswith("'") and len(body) > 2 else body[1:]
        return _substring(needle.replace("\x00", '"'), field, "", negated)
    if body.startswith("^") and len(body) > 1:
        anchor, body = "start", body[1:]
    if body.endswith("$") and len(body) > 1:
        anchor, body = ("whole" if anchor else "end"), body[:-1]
    body = body.replace("\x00", '"')
    if anchor:
        return _substring(_unquoted(body), field, anchor, negated)  # "any" anchors to the title
    if negated:  # as in fzf, a negated term is an exact substring
        return _substring(body, field, "", True)
    if not tokenize(body):
        return None  # punctuation only: nothing to match
    return Term("words", body, field)


def _substring(needle: str, field: str, anchor: str, negated: bool) -> Term:
    sensitive = needle != needle.lower()  # smart case, as in fzf
    return Term("text", needle, field, anchor, negated, case_sensitive=sensitive)


def _filter_term(kind: str, value: str, negated: bool, notes: list[str]) -> Term | None:
    if kind in CHOICES:
        value = value.lower()
        if value not in CHOICES[kind]:
            known = ", ".join(f"{kind}:{choice}" for choice in CHOICES[kind])
            _note(notes, f"{kind}:{value} is not a filter ({known}): read as words")
            return _text_term(f"{kind} {value}", "any", negated, notes)
        if kind == "is" and value == "unread":
            value, negated = "read", not negated
        if kind == "has" and value == "tldr":
            return Term("tldr", value, negated=negated)
    elif kind == "collection":
        value = value.casefold().strip().strip("/")
        if not value:
            _note(notes, "collection: needs a name: collection:thesis, collection:\"thesis/related work\"")
            return None
    elif kind in ("tag", "venue"):
        value = value.casefold()
    elif kind == "author":
        value = fold_name(value)
    elif kind in COUNT_KINDS:
        return _count_term(kind, value, negated, notes)
    elif kind == "date":
        operator = next((op for op in DATE_OPERATORS if value.startswith(op)), "")
        bound = value[len(operator) :]
        if operator and not _DATE_BOUND.fullmatch(bound):
            _note(notes, f"date:{value}: a date to compare is YYYY, YYYY-MM or YYYY-MM-DD; read as text")
            operator = ""
        else:
            value = bound
        return Term("date", value.lower(), negated=negated, operator=operator)
    else:
        value = value.lower()
    return Term(kind, value, negated=negated)


_COUNT_EXAMPLES = {"upvotes": "upvotes:>=10", "citations": "citations:>=100", "influential": "influential:>=10"}


def _count_term(kind: str, value: str, negated: bool, notes: list[str]) -> Term | None:
    """`upvotes:>=10`, `citations:<5`, `influential:3` (a bare number: exactly)."""
    operator = next((op for op in DATE_OPERATORS if value.startswith(op)), "=")
    number = value[len(operator) :] if value.startswith(operator) else value
    if not (number.isascii() and number.isdigit()):  # `²` and `٣` are digits that int() refuses or reads
        if kind == "upvotes":  # as it always was: a query of upvotes alone is not a query of words
            _note(notes, f"upvotes:{value}: give a number, as in upvotes:>=10; ignored")
            return None
        _note(notes, f"{kind}:{value}: give a number, as in {_COUNT_EXAMPLES[kind]}; read as words")
        return _text_term(f"{kind} {value}", "any", negated, notes)
    digits = number.lstrip("0") or "0"
    # No paper has 10¹⁸ upvotes or citations, so a longer number compares as that one does;
    # int() refuses one of more than 4,300 digits (a pasted run of them).
    return Term(kind, digits if len(digits) <= 18 else str(10**18), negated=negated, operator=operator)


def fold_name(text: str) -> str:
    """Lower case without accents: `Balázs` and `balazs` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def compare(number: int, operator: str, bound: int) -> bool:
    return {">": number > bound, ">=": number >= bound, "<": number < bound, "<=": number <= bound}.get(operator, number == bound)


def date_range(value: str) -> tuple[int, int]:
    """YYYY[-MM[-DD]] as the first and last YYYYMMDD numbers it covers."""
    match = _DATE_BOUND.fullmatch(value)
    assert match is not None  # checked when parsed
    year, month, day = match.groups()
    low = int(year) * 10000 + int(month or 0) * 100 + int(day or 0)
    high = int(year) * 10000 + (int(month) if month else 99) * 100 + (int(day) if day else 99)
    return low, high


def date_matches(key: int, operator: str, value: str) -> bool:
    """Does a paper's date (YYYYMMDD, missing parts 0; 0 when unknown) satisfy the bound?"""
    if key == 0:
        return False
    low, high = date_range(value)
    if operator == ">":
        return key > high
    if operator == ">=":
        return key >= low
    if operator == "<":
        return key < low
    if operator == "<=":
        return key <= high
    return low <= key <= high

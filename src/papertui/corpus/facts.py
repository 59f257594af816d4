"""Facts derived from a paper for filters and sorting: its date, whether it links to code."""

from __future__ import annotations

import re

from papertui.corpus.model import Paper

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_LISTED = re.compile(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?")
_NEW_ID = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_OLD_ID = re.compile(r".*/(\d{2})(\d{2})\d{3}")
# Where code lives: a link to one of these in the abstract means "has:code".
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net", "huggingface.co")


def id_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """(year, month) an arXiv id was issued in: 2406.16845 -> (2024, 6)."""
    if not arxiv_id:
        return None
    match = _NEW_ID.fullmatch(arxiv_id) or _OLD_ID.fullmatch(arxiv_id)
    if not match:
        return None
    yy, month = int(match.group(1)), int(match.group(2))
    return (1900 + yy if yy >= 91 else 2000 + yy), month


def date_key(paper: Paper) -> int:
    """The paper's date as YYYYMMDD, unknown parts 0; 0 when nothing is known.

    From the published date when the source gave one (arXiv, Hugging Face, BibTeX); else
    the listing date (`Mar 14`, `Mar 14, 2024`), the year coming from the arXiv id when the
    listing has none; else the month the arXiv id was issued in.
    """
    if paper.published:
        parts = paper.published.split("-")
        return int(parts[0]) * 10000 + (int(parts[1]) * 100 if len(parts) > 1 else 0) + (int(parts[2]) if len(parts) > 2 else 0)
    issued = id_month(paper.arxiv_id)
    if paper.listed:
        match = _LISTED.fullmatch(paper.listed)
        if match and match.group(1).lower() in MONTHS:
            month = MONTHS.index(match.group(1).lower()) + 1
            year = int(match.group(3)) if match.group(3) else (issued[0] if issued else 0)
            return year * 10000 + month * 100 + int(match.group(2))
    if issued:
        return issued[0] * 10000 + issued[1] * 100
    return 0


def date_text(paper: Paper) -> str:
    """What `date:TEXT` searches: the listing date and the id's month, lower case."""
    parts = [paper.published or "", paper.listed or ""]
    issued = id_month(paper.arxiv_id)
    if issued:
        parts.append(f"{issued[0]:04d}-{issued[1]:02d}")
    return " ".join(parts).lower()


def has_code(paper: Paper) -> bool:
    return any(host in link.lower() for link in paper.links for host in CODE_HOSTS)

"""Search: query words, the index and ranking, highlighting. numpy and rapidfuzz, no Textual.

The names below are imported when first asked for: parsing a query or highlighting needs
neither numpy nor the index, and the app draws its first frame before any search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from papertui.names_on_demand import names_on_demand

if TYPE_CHECKING:
    from papertui.search.evaluate import SearchCancelled
    from papertui.search.highlight import Terms, match_spans
    from papertui.search.index import SearchIndex, SearchResult
    from papertui.search.matching import match_score, query_words, tokenize

_HOMES = {
    "SearchCancelled": "evaluate",
    "match_spans": "highlight",
    "SearchIndex": "index",
    "SearchResult": "index",
    "Terms": "highlight",
    "match_score": "matching",
    "query_words": "matching",
    "tokenize": "matching",
}

__all__ = sorted(_HOMES)

__getattr__ = names_on_demand(__name__, _HOMES)

"""Search: query words, the index and ranking, highlighting. Pure Python and rapidfuzz, no Textual."""

from papertui.search.highlight import match_spans
from papertui.search.index import SearchIndex, SearchResult
from papertui.search.matching import match_score, query_words, tokenize

__all__ = ["SearchIndex", "SearchResult", "match_score", "match_spans", "query_words", "tokenize"]

"""Search: query words, the index and ranking, highlighting. numpy and rapidfuzz, no Textual."""

from papertui.search.evaluate import SearchCancelled
from papertui.search.highlight import match_spans
from papertui.search.index import SearchIndex, SearchResult, Terms
from papertui.search.matching import match_score, query_words, tokenize

__all__ = ["SearchCancelled", "SearchIndex", "SearchResult", "Terms", "match_score", "match_spans", "query_words", "tokenize"]

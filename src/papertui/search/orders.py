"""The orders a list can be sorted in, by name: what the settings, the command line and the
status line need, without the sorting itself (numpy)."""

# Ctrl+S cycles in this order; the citation orders come last, so that the presses that reach
# the others are the same as before them.
SORT_ORDERS = ("relevance", "corpus", "title", "date", "upvotes", "starred", "new", "for-you", "citations", "velocity")
CITATION_ORDERS = ("citations", "velocity")  # by Semantic Scholar's counts (`papertui enrich`)
SORT_LABELS = {
    "relevance": "relevance",
    "corpus": "corpus order",
    "title": "title A–Z",
    "date": "date, newest first",
    "upvotes": "upvotes, most first",
    "starred": "starred first",
    "new": "newest first (first seen by the library)",
    "for-you": "for you (learned from your stars)",
    "citations": "citations, most first",
    "velocity": "citations a year since publication, most first",
}


def next_order(order: str) -> str:
    return SORT_ORDERS[(SORT_ORDERS.index(order) + 1) % len(SORT_ORDERS)]

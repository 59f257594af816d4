"""The orders a list can be sorted in, by name: what the settings, the command line and the
status line need, without the sorting itself (numpy)."""

SORT_ORDERS = ("relevance", "corpus", "title", "date", "upvotes", "starred", "new", "for-you")
SORT_LABELS = {
    "relevance": "relevance",
    "corpus": "corpus order",
    "title": "title A–Z",
    "date": "date, newest first",
    "upvotes": "upvotes, most first",
    "starred": "starred first",
    "new": "newest first (first seen by the library)",
    "for-you": "for you (learned from your stars)",
}


def next_order(order: str) -> str:
    return SORT_ORDERS[(SORT_ORDERS.index(order) + 1) % len(SORT_ORDERS)]

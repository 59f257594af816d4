"""Papers like others: vectors (lexical, semantic), "more like this", "for you"."""

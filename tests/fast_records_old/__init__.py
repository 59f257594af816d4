"""papertui's per-record code as it was at commit 19e7049, before it was made cheaper:
tests/test_fast_records.py runs it beside the current code and requires the same outputs.

Copied verbatim from src/papertui (corpus/text.py, latex.py, records.py, json_papers.py,
versions.py, arxiv_snapshot.py, search/matching.py; keys.py holds merge.py's key functions
and vocabulary.py's word_set), with the imports pointed at these copies. Never edit them to
make a test pass: they are the reference.
"""

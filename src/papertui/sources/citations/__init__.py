"""Citations from Semantic Scholar: counts, TL;DRs, venues and the citation graph.

- `model`: what is kept of a paper (`Citations`) and a paper met on a graph page (`GraphPaper`)
- `answers`: the service's JSON read defensively into those (any field may be null or wrong)
- `client`: the Academic Graph and Recommendations APIs over papertui's polite HTTP client
- `store`: the citations of every paper asked about, in the data directory, with when
- `enrich`: asking for what is missing or more than a week old, 500 papers a request

No Textual here: the command line and the app use the same functions.
"""

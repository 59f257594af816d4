"""Merging: records that share an id, an abstract or a title become one paper, transitively,
and the result depends only on which records there are, never on their order."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from papertui.corpus import load_corpus
from papertui.corpus.merge import FORMAT_RANK, CorpusBuilder, text_key
from papertui.corpus.model import FileReport, Record, Source

SEEDS = Path(__file__).parent.parent / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"

# Small pools, so that generated records share keys often and chains form.
TITLES = [None, "Attention Is All You Need", "Scaling Laws for Neural Language Models", "Masked Thought"]
ABSTRACTS = [
    "",
    "We propose a new simple network architecture based solely on attention mechanisms.",
    "We study empirical scaling laws for language model performance on the cross-entropy loss.",
    "Short.",
]
IDS = [None, "1706.03762", "2001.08361", "2403.02178"]

records = st.builds(
    Record,
    abstract=st.sampled_from(ABSTRACTS),
    title=st.sampled_from(TITLES),
    arxiv_id=st.sampled_from(IDS),
    listed=st.sampled_from([None, "Mar 11", "Mar 14"]),
    links=st.lists(st.sampled_from(["https://github.com/a/b", "https://c.org/d"]), unique=True).map(tuple),
    authors=st.sampled_from([(), ("Ashish Vaswani",), ("Jared Kaplan", "Sam McCandlish")]),
    categories=st.lists(st.sampled_from(["cs.CL", "cs.LG", "stat.ML"]), unique=True).map(tuple),
    published=st.sampled_from([None, "2017", "2017-06", "2017-06-12", "2017-06-13"]),
    upvotes=st.sampled_from([None, 0, 5, 12]),
).filter(lambda r: r.abstract or r.title)
entries = st.lists(st.tuples(records, st.sampled_from(sorted(FORMAT_RANK))), min_size=1, max_size=12)


def build(entries_in_order) -> list:
    builder = CorpusBuilder()
    report = FileReport("generated")
    for record, source in entries_in_order:
        builder.add(record, source, report)
    builder.finish()
    return builder.papers


def with_sources(generated) -> list[tuple[Record, Source]]:
    return [(record, Source(f"file-{fmt}", number, fmt)) for number, (record, fmt) in enumerate(generated, 1)]


def fields(paper) -> tuple:
    return (
        paper.title, paper.abstract, paper.title_derived, paper.arxiv_id, paper.listed, paper.links,
        paper.authors, paper.categories, paper.published, paper.upvotes,
    )  # fmt: skip


def outcome(papers) -> set:
    return {(fields(p), frozenset(p.sources)) for p in papers}


def record_keys(record: Record) -> set:
    found = {("id", record.arxiv_id)} if record.arxiv_id else set()
    if len(text_key(record.abstract)) >= 40:
        found.add(("abstract", text_key(record.abstract)))
    if record.title and len(text_key(record.title)) >= 10:
        found.add(("title", text_key(record.title)))
    return found or {("whole", text_key(record.title or ""), text_key(record.abstract))}


def components(entries_) -> set[frozenset[Source]]:
    """The groups of records linked by shared keys, found by a plain graph search, then
    split by arXiv id: a record without an id goes with the nearest id (through records
    without one), the smallest id on a tie."""
    unvisited = list(range(len(entries_)))
    groups = set()
    while unvisited:
        group, frontier = set(), [unvisited.pop(0)]
        while frontier:
            here = frontier.pop()
            group.add(here)
            linked = [i for i in unvisited if record_keys(entries_[i][0]) & record_keys(entries_[here][0])]
            for i in linked:
                unvisited.remove(i)
            frontier += linked
        for part in split_by_id(group, entries_):
            groups.add(frozenset(entries_[i][1] for i in part))
    return groups


def split_by_id(group: set[int], entries_) -> list[set[int]]:
    ids = {entries_[i][0].arxiv_id for i in group} - {None}
    if len(ids) < 2:
        return [group]
    distance = {}  # (steps, id) for each record without an id
    for arxiv_id in ids:
        seen = {i for i in group if entries_[i][0].arxiv_id == arxiv_id}
        layer, steps = set(seen), 0
        while layer:
            steps += 1
            layer = {
                j for j in group - seen
                if entries_[j][0].arxiv_id is None
                and any(record_keys(entries_[j][0]) & record_keys(entries_[i][0]) for i in layer)
            }
            seen |= layer
            for j in layer:
                distance[j] = min(distance.get(j, (steps, arxiv_id)), (steps, arxiv_id))
    parts = {arxiv_id: {i for i in group if entries_[i][0].arxiv_id == arxiv_id} for arxiv_id in ids}
    for j, (_, arxiv_id) in distance.items():
        parts[arxiv_id].add(j)
    return list(parts.values())


@settings(max_examples=300, deadline=None)
@given(entries, st.randoms(use_true_random=False))
def test_merging_does_not_depend_on_order(generated, random):
    in_order = with_sources(generated)
    shuffled = in_order[:]
    random.shuffle(shuffled)
    assert outcome(build(in_order)) == outcome(build(shuffled))


@settings(max_examples=200, deadline=None)
@given(entries)
def test_records_linked_through_any_chain_of_keys_are_one_paper(generated):
    in_order = with_sources(generated)
    assert {frozenset(p.sources) for p in build(in_order)} == components(in_order)


@settings(max_examples=200, deadline=None)
@given(entries)
def test_merging_is_idempotent(generated):
    """Every record loaded twice (the same files given twice) gives the same papers."""
    in_order = with_sources(generated)
    once = build(in_order)
    twice = build(in_order + in_order)
    assert [fields(p) for p in twice] == [fields(p) for p in once]
    assert [set(p.sources) for p in twice] == [set(p.sources) for p in once]


def test_a_record_that_links_two_papers_joins_them():
    abstract_only = Record(abstract=ABSTRACTS[1])
    titled = Record(abstract="Another copy of the abstract, worded differently from the first.", title=TITLES[1])
    bridge = Record(abstract=ABSTRACTS[1], title=TITLES[1], arxiv_id="1706.03762")
    for order in ([abstract_only, titled, bridge], [bridge, titled, abstract_only], [titled, abstract_only, bridge]):
        papers = build(with_sources([(record, "abstract-lines") for record in order]))
        assert len(papers) == 1
        assert (papers[0].title, papers[0].arxiv_id, papers[0].abstract) == (TITLES[1], "1706.03762", ABSTRACTS[1])


def test_the_structured_source_wins_over_a_text_copy():
    copy = Record(abstract="Our  abstract, as pasted from a web page, a little shorter.", title=TITLES[2], arxiv_id=IDS[2])
    atom = Record(abstract="Our abstract as arXiv has it.", title=TITLES[2], arxiv_id=IDS[2], authors=("Jared Kaplan",))
    for order in ([(copy, "hf-daily-page"), (atom, "arxiv-atom")], [(atom, "arxiv-atom"), (copy, "hf-daily-page")]):
        (paper,) = build(with_sources(order))
        assert paper.abstract == atom.abstract and paper.authors == atom.authors


def test_records_with_different_ids_are_never_one_paper():
    """A paper and its successor (a "-V2" with nearly the same abstract, as real Hugging
    Face days have) stay two papers; a record without an id joins the nearer one."""
    abstract = "We present a family of open models trained on a large corpus of web text and code, " * 2
    first = Record(abstract=abstract, title="Open Models Family", arxiv_id="2501.00001")
    second = Record(abstract=abstract, title="Open Models Family V2", arxiv_id="2502.00002")
    copy_of_second = Record(abstract="A different wording of the text.", title="Open Models Family V2")
    for order in ([first, second, copy_of_second], [copy_of_second, second, first], [second, copy_of_second, first]):
        report = FileReport("f")
        papers = build(with_sources([(record, "papers-json") for record in order]))
        assert sorted((p.arxiv_id, p.title, len(p.sources)) for p in papers) == [
            ("2501.00001", "Open Models Family", 1),
            ("2502.00002", "Open Models Family V2", 2),
        ]
        assert report.warnings == []


def test_three_records_of_one_title_with_two_ids_are_two_papers():
    builder = CorpusBuilder()
    report = FileReport("f")
    for number, arxiv_id in enumerate(["2001.08361", "2001.99999", "2001.08361"], 1):
        builder.add(Record(abstract="", title=TITLES[2], arxiv_id=arxiv_id), Source("f", number, "bibtex"), report)
    assert builder.finish()  # papers were renumbered
    assert [(p.arxiv_id, [s.record for s in p.sources]) for p in builder.papers] == [("2001.08361", [1, 3]), ("2001.99999", [2])]


def test_a_paper_of_forty_thousand_records():
    """20,000 distinct records and 20,000 copies of one: copies are kept as sources only."""
    builder = CorpusBuilder()
    report = FileReport("f")
    record = Record(abstract=ABSTRACTS[1], title=TITLES[1])
    for number in range(1, 20_001):
        builder.add(Record(abstract=ABSTRACTS[1], title=TITLES[1], listed=f"{number}"), Source("f", number, "hf-daily-page"), report)
        builder.add(record, Source("g", number, "hf-daily-page"), report)
    builder.finish()
    (paper,) = builder.papers
    assert len(paper.sources) == 40_000 and paper.listed == "1"


def test_the_seed_and_sample_files_give_the_same_papers_in_any_order():
    files = sorted(SEEDS.iterdir()) + sorted(p for p in FIXTURES.iterdir() if p.is_file())
    forward = load_corpus(files)
    backward = load_corpus(files[::-1])
    interleaved = load_corpus(files[1::2] + files[::2])
    assert {fields(p) for p in forward.papers} == {fields(p) for p in backward.papers} == {
        fields(p) for p in interleaved.papers
    }
    assert len(forward.papers) == len(backward.papers) == len(interleaved.papers)

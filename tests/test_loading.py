"""Loading and indexing in batches: every step consistent, the end complete and searchable."""

from helpers import brute_force_search
from papertui import loading
from papertui.loading import load_and_index


def write_files(tmp_path, count: int, per_file: int):
    for number in range(0, count, per_file):
        records = [
            f"Title: Paper {n} about {'zebras' if n % 7 == 0 else 'quokkas'} and item{n}\n"
            f"PDF: https://arxiv.org/pdf/2401.{n + 10000:05d}\n"
            f"Summary: Abstract number {n} describing experiment{n} in some detail, long enough to count.\n---\n"
            for n in range(number, min(count, number + per_file))
        ]
        (tmp_path / f"{number:05d}.txt").write_text("".join(records))
    return tmp_path


def test_steps_grow_until_everything_is_indexed(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "FIRST_BATCH", 40)
    steps = list(load_and_index([write_files(tmp_path, 300, 50)]))
    assert steps[0].progress.files_done == 0 and steps[0].progress.files_total == 6
    loaded = [s.progress.papers_loaded for s in steps]
    indexed = [s.indexed for s in steps]
    assert loaded == sorted(loaded) and indexed == sorted(indexed)
    assert all(s.indexed <= s.progress.papers_loaded for s in steps)
    assert any(s.indexing for s in steps) and len({i for i in indexed if i}) > 1  # several batches
    assert 0 < min(i for i in indexed if i) < 300  # searchable before the load ended
    last = steps[-1]
    assert last.done and last.indexed == 300 and "300 papers from 6 files" in last.describe()
    papers = last.corpus.papers
    rows = list(last.index.search("zebras item14").rows)
    assert rows == brute_force_search(papers, "zebras item14") and rows[0] == 14  # item140… match as prefixes


def test_a_later_file_that_changes_an_indexed_paper_is_searched_by_its_new_title(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "FIRST_BATCH", 1)
    abstract = "A study of how wombats dig burrows, with measurements from forty sites across the region."
    (tmp_path / "a.txt").write_text(f"Abstract: {abstract}\n")
    (tmp_path / "b.txt").write_text(f"Title: Burrowing Marsupials Unearthed\nPDF: https://arxiv.org/pdf/2401.00001\nSummary: {abstract}\n---\n")
    steps = list(load_and_index([tmp_path]))
    last = steps[-1]
    assert len(last.corpus.papers) == 1 and last.corpus.papers[0].title == "Burrowing Marsupials Unearthed"
    assert any(s.indexing and s.indexed == 0 for s in steps)  # the first paper was indexed alone
    assert list(last.index.search("marsupials").rows) == [0]
    assert list(last.index.search("wombats").rows) == [0]


def test_papers_joined_at_the_end_are_indexed_again(tmp_path, monkeypatch):
    """a.txt and b.txt hold two papers; c.txt links them, so the load ends with one."""
    monkeypatch.setattr(loading, "FIRST_BATCH", 1)
    abstract = "A study of how wombats dig burrows, with measurements from forty sites across the region."
    (tmp_path / "a.txt").write_text(f"Abstract: {abstract}\nAbstract: An unrelated paper about the migration of eels, observed for a decade.\n")
    (tmp_path / "b.txt").write_text("Title: Burrowing Marsupials Unearthed\nSummary: Another wording of the burrow study, from a preprint.\n---\n")
    (tmp_path / "c.txt").write_text(f"Title: Burrowing Marsupials Unearthed\nPDF: https://arxiv.org/pdf/2401.00001\nSummary: {abstract}\n---\n")
    steps = list(load_and_index([tmp_path]))
    assert max(s.progress.papers_loaded for s in steps) == 3 and steps[-1].progress.renumbered
    last = steps[-1]
    papers = last.corpus.papers
    assert [p.title for p in papers] == ["Burrowing Marsupials Unearthed", "An unrelated paper about the migration of eels, observed for a decade"]
    assert last.done and len(last.index) == 2
    assert list(last.index.search("marsupials").rows) == [0]
    assert list(last.index.search("eels").rows) == [1]
    assert list(last.index.search("preprint").rows) == []  # the longer abstract won


async def test_the_app_hides_its_progress_bar_once_everything_is_searchable(tmp_path, monkeypatch):
    from helpers import settle
    from papertui.cli import make_app

    monkeypatch.setattr(loading, "FIRST_BATCH", 40)
    app = make_app([write_files(tmp_path, 300, 50)], query="zebras")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        status = str(app.query_one("#status").render())
        assert not app.query_one("#progress").display
        assert status.startswith("43 of 300 papers") and "files" not in status  # 0, 7, …, 294
        assert list(app.result.rows) == brute_force_search(app.corpus.papers, "zebras")


async def test_the_app_filters_again_when_the_last_step_only_changes_indexed_papers(tmp_path, monkeypatch):
    """b.txt only gives a.txt's paper its title: the index changes but not its size. A filter
    that ran on the index before the change must not be taken for the final answer."""
    import time

    from helpers import settle
    from papertui.cli import make_app
    from papertui.search import SearchIndex

    monkeypatch.setattr(loading, "FIRST_BATCH", 1)
    abstract = "A study of how wombats dig burrows, with measurements from forty sites across the region."
    (tmp_path / "a.txt").write_text(f"Abstract: {abstract}\n")
    (tmp_path / "b.txt").write_text(f"Title: Burrowing Marsupials Unearthed\nSummary: {abstract}\n---\n")
    real_add = SearchIndex.add

    def slow_patch(self, papers, start, stop, changed=()):
        if start == stop and changed:
            time.sleep(0.3)  # the filter asked for by the step before runs on the old index first
        real_add(self, papers, start, stop, changed)

    monkeypatch.setattr(SearchIndex, "add", slow_patch)
    app = make_app([tmp_path], query="marsupials")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert [app.corpus.papers[i].title for i in app.result.rows] == ["Burrowing Marsupials Unearthed"]


def test_batches_are_joined_into_full_segments_once_loaded(tmp_path, monkeypatch):
    from papertui.search import index as index_module

    monkeypatch.setattr(loading, "FIRST_BATCH", 8)
    monkeypatch.setattr(loading, "LARGEST_BATCH", 32)
    monkeypatch.setattr(index_module, "MAX_SEGMENT", 64)
    grown = []  # segments as each step saw them (the index is one object, compacted at the end)
    for step in load_and_index([write_files(tmp_path, 300, 50)]):
        grown.append(len(step.index._state.segments))
        last = step
    sizes = [segment.stop - segment.start for segment in last.index._state.segments]
    assert max(grown) > 5 and sizes == [64, 64, 64, 64, 44]  # batches never cross a multiple of 64
    assert list(last.index.search("zebras item14").rows) == brute_force_search(last.corpus.papers, "zebras item14")

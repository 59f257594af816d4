"""The parsers on the real seed files."""

from collections import Counter

from conftest import SEED_FILES, SEED_PAPERS, SEED_RECORDS


def test_every_seed_file_detected_and_counted(seed_corpus):
    found = {report.path.split("/")[-1]: (report.format, report.records) for report in seed_corpus.files}
    assert found == SEED_FILES
    assert all(not report.warnings for report in seed_corpus.files)


def test_every_record_is_in_exactly_one_paper(seed_corpus):
    sources = [(s.path, s.record) for paper in seed_corpus.papers for s in paper.sources]
    assert len(sources) == SEED_RECORDS == len(set(sources))
    per_file = Counter(path for path, _ in sources)
    assert {path.split("/")[-1]: count for path, count in per_file.items()} == {
        name: count for name, (_, count) in SEED_FILES.items()
    }
    # records are numbered 1..n in each file
    for report in seed_corpus.files:
        numbers = sorted(record for path, record in sources if path == report.path)
        assert numbers == list(range(1, report.records + 1))


def test_duplicates_merge_with_all_their_sources(seed_corpus):
    assert len(seed_corpus.papers) == SEED_PAPERS
    merged = {p.title: [(s.path.split("/")[-1][:3], s.record) for s in p.sources] for p in seed_corpus.papers if len(p.sources) > 1}
    assert merged == {
        "AgentGym: Evolving Large Language Model-based Agents across Diverse Environments": [("000", 7), ("003", 7)],
        "Can LLMs Learn by Teaching? A Preliminary Study": [("001", 22), ("003", 74)],
        "Symbolic Learning Enables Self-Evolving Agents": [("001", 31), ("002", 153)],
        "Masked Thought: Simply Masking Partial Reasoning Steps Can Improve Mathematical Reasoning Learning of Language Models": [("002", 19), ("003", 44)],
    }
    assert [r.merged for r in seed_corpus.files] == [0, 0, 1, 3, 0]


def test_merged_paper_keeps_the_id_and_the_real_title(seed_corpus):
    by_title = {p.title: p for p in seed_corpus.papers}
    teaching = by_title["Can LLMs Learn by Teaching? A Preliminary Study"]
    assert teaching.arxiv_id == "2406.14629"
    assert teaching.listed == "Mar 11"  # the id came from one file, the date from the other
    agentgym = by_title["AgentGym: Evolving Large Language Model-based Agents across Diverse Environments"]
    assert not agentgym.title_derived  # the real title replaced the derived one


def test_ids_come_from_the_pdf_lines(seed_corpus):
    with_id = [p for p in seed_corpus.papers if p.arxiv_id]
    assert len(with_id) == 50
    first = next(p for p in seed_corpus.papers if p.title.startswith("RaTEScore"))
    assert first.arxiv_id == "2406.16845"


def test_derived_titles_for_bare_abstracts(seed_corpus):
    derived = [p for p in seed_corpus.papers if p.title_derived]
    assert len(derived) == 19  # 20 bare abstracts, one of which merged with a titled copy
    assert derived[0].title == "We give a detailed overview of the CAIL 2023 Argument Mining Track…"
    assert all(p.abstract.startswith(p.title.rstrip("…")) for p in derived)


def test_listing_dates_from_the_page_date_line(seed_corpus):
    dates = Counter(p.listed for p in seed_corpus.papers)
    # Masked Thought is on both pages with the same text; of equal records the earlier
    # date string wins, whatever the file order, so 002 keeps 174 - 1 papers of Mar 14.
    assert dates["Mar 14"] == 173
    # 003's 81 records; the two papers also in files without dates take Mar 11 from 003.
    assert dates["Mar 11"] == 81
    assert dates[None] == SEED_PAPERS - 173 - 81


def test_urls_found_in_abstracts(seed_corpus):
    zhongjing = next(p for p in seed_corpus.papers if "Zhongjing" in p.abstract and "SupritYoung" in p.abstract)
    assert zhongjing.links == ("https://github.com/SupritYoung/Zhongjing",)


def test_markup_like_text_is_kept_literally(seed_corpus):
    assert any("[ASA+22,GTLV22,ONR+22]" in p.abstract for p in seed_corpus.papers)

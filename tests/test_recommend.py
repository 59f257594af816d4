"""Similarity: like:, ~ (by meaning), the for-you order learned from stars and its "why",
`papertui mark`, and the fall-back to words alone when the embedding model is missing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers import make_corpus, make_paper, settle
from papertui.cli import main, make_app
from papertui.marks.personal import PersonalFacts, find_papers
from papertui.recommend import semantic
from papertui.recommend.model import Recommender
from papertui.search import SearchIndex
from papertui.search.query import parse_query
from papertui.marks.store import MarkStore

TOPICS = {
    "proteins": [
        ("Protein structure prediction with deep learning", "We predict the folded structure of proteins from amino acid sequences with attention over residues."),
        ("Protein language models learn folding", "A language model trained on amino acid sequences captures protein structure and contacts between residues."),
        ("Designing enzymes with diffusion over protein backbones", "Generative diffusion over protein backbones designs enzymes whose residues fold as intended."),
        ("Contact maps from evolutionary couplings", "Co-evolution of residues in protein families reveals contacts that constrain the folded structure."),
        ("Antibody structure modelling at scale", "We model antibody loops and protein complexes, predicting residue contacts and binding."),
    ],
    "galaxies": [
        ("Dark matter halos of dwarf galaxies", "Rotation curves of dwarf galaxies constrain the dark matter halo profile and stellar feedback."),
        ("Galaxy cluster mass from weak lensing", "Weak gravitational lensing of background galaxies measures the mass of galaxy clusters and dark matter."),
        ("Star formation in high redshift galaxies", "Telescope observations of high redshift galaxies trace star formation and stellar mass growth."),
        ("Supermassive black holes in galactic nuclei", "Accretion onto supermassive black holes in galaxies drives feedback on star formation."),
        ("Cosmic web filaments between galaxy clusters", "Gas filaments of the cosmic web connect galaxy clusters and trace dark matter."),
    ],
    "compilers": [
        ("Register allocation by graph colouring revisited", "A compiler assigns registers by colouring the interference graph of program variables."),
        ("Loop vectorisation in an optimising compiler", "The compiler vectorises loops, reordering instructions and program dependences for SIMD registers."),
        ("Type inference for a functional language", "Hindley-Milner type inference for a functional programming language and its compiler."),
        ("Just-in-time compilation of dynamic languages", "A tracing just-in-time compiler specialises hot program loops into machine instructions."),
        ("Verified compiler passes", "We prove compiler optimisation passes correct, preserving the semantics of every program."),
    ],
}


def corpus():
    papers = []
    for topic, items in TOPICS.items():
        for number, (title, abstract) in enumerate(items):
            papers.append(make_paper(title, abstract, arxiv_id=f"2401.{len(papers) + 10001:05d}", categories=(topic,)))
    return make_corpus(*papers)


def topic_of(paper) -> str:
    return paper.categories[0]


@pytest.fixture(scope="module")
def built():
    papers = corpus().papers
    recommender = Recommender(papers)
    recommender.build()
    return papers, recommender


def top(scores: np.ndarray, count: int, leave_out=()) -> list[int]:
    order = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) not in leave_out]
    return order[:count]


def test_the_model_ships_in_the_installed_package_and_nothing_is_downloaded(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the embedding model tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    semantic._model.cache_clear()
    assert semantic.available() is None
    vectors = semantic.embed_texts(["protein folding", "galaxy clusters"])
    assert vectors.shape == (2, semantic.DIMENSIONS)


def test_like_ranks_papers_of_the_same_topic_first(built):
    papers, recommender = built
    for number, paper in enumerate(papers):
        neighbours = top(recommender.like([number]), 2, leave_out={number})  # 15 papers: the nearest two
        assert all(topic_of(papers[i]) == topic_of(paper) for i in neighbours), (paper.title, [papers[i].title for i in neighbours])


def test_about_finds_papers_by_meaning_not_only_words(built):
    papers, recommender = built
    # none of these words is in the compiler papers' text, which are what it is about
    best = top(recommender.about("translating source code into fast machine code"), 3)
    assert [topic_of(papers[i]) for i in best] == ["compilers"] * 3


def test_for_you_learns_the_starred_topic_and_says_why(built):
    papers, recommender = built
    starred = [0, 1, 2]  # three protein papers
    model = recommender.train(starred)
    rest = top(model.scores, 2, leave_out=set(starred))
    assert {topic_of(papers[i]) for i in rest} == {"proteins"}
    words, nearest = recommender.why(model, rest[0])
    assert nearest in starred and set(words) & {"protein", "residues", "structure", "contacts", "folded"}


def test_without_the_model_words_alone_still_rank(monkeypatch):
    monkeypatch.setattr(semantic, "available", lambda: "wordllama is not installed (wordllama missing): pip install wordllama")
    papers = corpus().papers
    recommender = Recommender(papers)
    recommender.build()
    assert recommender.meaning is None and "not installed" in recommender.meaning_problem
    neighbours = top(recommender.like([5]), 3, leave_out={5})
    assert all(topic_of(papers[i]) == "galaxies" for i in neighbours)
    assert topic_of(papers[top(recommender.about("dark matter galaxy"), 1)[0]]) == "galaxies"


def test_like_and_about_in_the_query_language(built):
    papers, recommender = built
    index = SearchIndex(papers)
    facts = PersonalFacts(MarkStore.open(), recommender=recommender)
    rows = list(index.search("like:2401.10001", facts).rows)
    assert rows[0] == 0 and {topic_of(papers[i]) for i in rows[1:5]} == {"proteins"}
    rows = list(index.search('like:"Dark matter halos of dwarf galaxies"', facts).rows)
    assert rows[0] == 5
    # mixed with words, like: ranks within what the words match
    rows = list(index.search("like:2401.10011 program", facts).rows)
    assert {topic_of(papers[i]) for i in rows} == {"compilers"}
    rows = list(index.search('~"stars and black holes far away"', facts).rows)
    assert topic_of(papers[rows[0]]) == "galaxies"
    # before the vectors exist, the terms pass every paper, unranked
    waiting = PersonalFacts(MarkStore.open())
    assert len(index.search("like:2401.10001", waiting).rows) == len(papers)


def test_like_values_name_papers_by_id_or_title():
    papers = corpus().papers
    assert find_papers(["2401.10001", "arXiv:2401.10006v2"], papers) == [0, 5]
    assert find_papers(['verified compiler passes'], papers) == [14]
    assert find_papers(["Supermassive black"], papers) == [8]  # the only title starting so
    assert find_papers(["nothing like it"], papers) == []
    query = parse_query('like:2401.10001,"Verified compiler passes" !like:x ~')
    assert [term.kind for group in query.groups for term in group] == ["like"]
    assert any("ranks, it does not exclude" in note for note in query.notes)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def papers_file(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(
        "".join(json.dumps({"id": p.arxiv_id, "title": p.title, "abstract": p.abstract}) + "\n" for p in corpus().papers),
        encoding="utf-8",
    )
    return path


def test_mark_and_list_sorted_for_you(capsys, papers_file):
    code, out, err = run(capsys, "list", str(papers_file), "--sort", "for-you", "--limit", "3")
    assert code == 0 and "no starred papers" in err
    code, out, err = run(capsys, "mark", "2401.10006", "https://arxiv.org/abs/2401.10007", "--star", "--tag", "space")
    assert code == 0 and out.count("starred #space") == 2
    code, out, err = run(capsys, "list", str(papers_file), "--sort", "for-you", "--limit", "5", "--format", "json")
    ranked = json.loads(out)
    assert {paper["arxiv_id"] for paper in ranked} == {f"2401.{n}" for n in range(10006, 10011)}  # the five galaxy papers
    code, out, err = run(capsys, "list", str(papers_file), "--query", "is:starred tag:space", "--format", "links")
    assert out.split() == ["https://arxiv.org/abs/2401.10006", "https://arxiv.org/abs/2401.10007"]
    code, out, err = run(capsys, "mark", "2401.10006", "--unstar", "--untag", "space", "--read")
    assert code == 0 and "2401.10006: read ·" in out
    code, out, err = run(capsys, "mark", "2401.10006")
    assert code == 2 and "say what to mark" in err
    code, out, err = run(capsys, "list", str(papers_file), "--query", "like:2401.10011", "--limit", "3")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["2401.10011", *[line.split()[0] for line in out.splitlines()[1:]]]
    assert all(line.split()[0] in {f"2401.{n}" for n in range(10011, 10016)} for line in out.splitlines())


async def test_m_filters_by_like_and_for_you_orders_by_the_stars_with_a_why():
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.recommender is not None
        await pilot.press("enter", *["j"] * 10, "m")  # a compiler paper
        await settle(pilot)
        assert app.filter_bar.value == "like:2401.10011"
        shown = [app.corpus.papers[i] for i in app.result.rows]
        assert shown[0].arxiv_id == "2401.10011" and {topic_of(p) for p in shown[:5]} == {"compilers"}
        await pilot.press("escape", "escape")  # back to every paper
        await settle(pilot)
        for _ in range(7):
            await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.sort_order == "for-you"
        assert any("learns from your stars" in n.message for n in app._notifications)
        await pilot.press("enter", "s")  # star the first paper (a protein one)
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.for_you is not None and app.for_you.starred == [0]
        shown = [app.corpus.papers[i] for i in app.result.rows]
        assert {topic_of(p) for p in shown[:5]} == {"proteins"}
        await pilot.press("j")
        await settle(pilot)
        text = app.detail.text
        assert "For you" in text and "like ★ Protein structure prediction with deep learning" in text


def test_for_tag_ranks_by_what_the_tagged_papers_teach(built):
    papers, recommender = built
    marks = MarkStore.open()
    for number in (10, 11):  # two compiler papers
        marks.update(papers[number], tags=["pl"])
    index = SearchIndex(papers)
    facts = PersonalFacts(marks, recommender=recommender)
    rows = list(index.search("for:pl", facts).rows)
    assert {topic_of(papers[i]) for i in rows[:5]} == {"compilers"}
    assert len(index.search("for:nothing-tagged", facts).rows) == len(papers)  # nothing to learn from: unranked
    marks.update(papers[0], tags=["pl"])  # the tag changes: learned again
    marks.update(papers[10], tags=[])
    marks.update(papers[11], tags=[])
    rows = list(index.search("for:pl", facts).rows)
    assert topic_of(papers[rows[0]]) == "proteins"


def test_a_background_build_waits_while_keys_arrive_and_stops_when_abandoned():
    from papertui.ui.recommend_actions import wait_for_quiet

    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    keys = [99.9]  # a key 0.1 s ago: wait until 0.5 s have passed since it
    assert wait_for_quiet(lambda: keys[0], lambda: False, 0.5, lambda: now[0], sleep) is False
    assert abs(now[0] - 100.4) < 1e-9 and all(step <= 0.1 + 1e-9 for step in slept)
    slept.clear()
    assert wait_for_quiet(lambda: 0.0, lambda: False, 0.5, lambda: now[0], sleep) is False and slept == []  # quiet
    stopped = iter([False, False, True])
    assert wait_for_quiet(lambda: now[0], lambda: next(stopped), 0.5, lambda: now[0], sleep) is True  # abandoned


# --- "not interested": dismissed papers are negatives, read-and-not-starred weak ones ---------

ANTIBODY_TWINS = [  # two near-duplicates inside the starred topic
    ("Antibody binding loops predicted from protein sequence", "We predict antibody binding loops and protein complexes from sequence, with residue contacts."),
    ("Predicting antibody binding loops from protein sequences", "Antibody loops and binding to protein complexes are predicted from sequences and residue contacts."),
]
STARRED = [0, 1, 2]  # three protein papers
DISMISSED, TWIN, PLAIN = 15, 16, 3  # one twin dismissed; the other; a protein paper unlike them


@pytest.fixture(scope="module")
def with_twins():
    papers = list(corpus().papers)
    for title, abstract in ANTIBODY_TWINS:
        papers.append(make_paper(title, abstract, arxiv_id=f"2401.{len(papers) + 10001:05d}", categories=("proteins",)))
    papers = make_corpus(*papers).papers
    recommender = Recommender(papers)
    recommender.build()
    return papers, recommender


def rank_of(scores: np.ndarray, paper: int) -> int:
    return top(scores, len(scores), leave_out=set(STARRED)).index(paper)


def test_a_dismissed_paper_and_its_near_duplicate_fall_in_for_you(with_twins):
    papers, recommender = with_twins
    before = recommender.train(STARRED).scores
    assert rank_of(before, TWIN) < 3  # the twins are among the best without a dismissal
    model = recommender.train(STARRED, dismissed=[DISMISSED])
    assert model.dismissed == [DISMISSED] and model.weak == []
    assert rank_of(model.scores, DISMISSED) == len(papers) - len(STARRED) - 1  # the last of all
    assert rank_of(model.scores, TWIN) > rank_of(before, TWIN)
    # measured against a protein paper unlike them, the twin lost ground
    assert model.scores[TWIN] - model.scores[PLAIN] < before[TWIN] - before[PLAIN]


def test_weak_negatives_move_less_than_dismissed_ones(with_twins):
    _, recommender = with_twins
    margin = {}
    for name, kwargs in {"none": {}, "weak": {"weak": [DISMISSED]}, "dismissed": {"dismissed": [DISMISSED]}}.items():
        scores = recommender.train(STARRED, **kwargs).scores
        margin[name] = (scores[DISMISSED] - scores[PLAIN], scores[TWIN] - scores[PLAIN])
    for paper in (0, 1):  # the paper itself, then its twin
        assert margin["dismissed"][paper] < margin["weak"][paper] < margin["none"][paper], margin


def test_negatives_count_past_the_training_sample_and_a_star_wins(with_twins, monkeypatch):
    from papertui.recommend import model as model_module

    _, recommender = with_twins
    monkeypatch.setattr(model_module, "TRAINING_PAPERS", 4)  # a sample of 4 others, as at 100k papers
    before = recommender.train(STARRED).scores
    after = recommender.train(STARRED, dismissed=[DISMISSED]).scores
    assert after[TWIN] - after[PLAIN] < before[TWIN] - before[PLAIN]
    both = recommender.train(STARRED, dismissed=[STARRED[0], DISMISSED], weak=[STARRED[1], DISMISSED])
    assert both.starred == STARRED and both.dismissed == [DISMISSED] and both.weak == []


def test_the_default_call_learns_from_stars_alone(with_twins):
    _, recommender = with_twins
    plain = recommender.train(STARRED)
    explicit = recommender.train(STARRED, dismissed=(), weak=())
    assert np.array_equal(plain.scores, explicit.scores) and plain.dismissed == [] and plain.weak == []

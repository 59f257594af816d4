"""The marks file: round trips, atomic writes, damage, two instances, failures."""

from __future__ import annotations

import json
import os

import pytest

from helpers import make_paper
from papertui.marks.store import STATE_FILE, MarkStore, StateError, paper_key
from papertui.storage.files import data_dir


def papers():
    return [
        make_paper("Zebra crossings at night", arxiv_id="2406.16845"),
        make_paper("Quokka smiles explained"),
        make_paper("Wombat burrows: a survey"),
    ]


def test_the_data_directory_is_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERTUI_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    monkeypatch.delenv("PAPERTUI_DATA_DIR")
    assert data_dir().name == "papertui"


def test_marks_round_trip_through_the_file(tmp_path):
    zebra, quokka, _ = papers()
    store = MarkStore.open(tmp_path)
    store.update(zebra, starred=True, tags=["To-Read", "survey,to-read"], note="  see   section 3 \n")
    store.update(quokka, read=True)
    store.save()
    again = MarkStore.open(tmp_path)
    assert again.warnings == []
    marks = again.get(zebra)
    assert marks.starred and not marks.read and marks.tags == ("to-read", "survey") and marks.note == "see section 3"
    assert again.get(quokka).read and again.tags() == ["survey", "to-read"]
    data = json.loads((tmp_path / STATE_FILE).read_text())
    assert set(data["papers"]) == {"arxiv:2406.16845", "title:quokkasmilesexplained"}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_marks_follow_the_paper_not_its_file_or_position(tmp_path):
    store = MarkStore.open(tmp_path)
    store.update(make_paper("Quokka smiles explained"), starred=True)
    store.save()
    again = MarkStore.open(tmp_path)
    # Reloaded from elsewhere, with other punctuation and case, and with an arXiv id gained.
    moved = make_paper("QUOKKA smiles, explained!", abstract="Other text.", arxiv_id="2401.00001")
    assert again.get(moved).starred
    assert again.get(make_paper("Wombat burrows: a survey")) is None


def test_clearing_every_mark_removes_the_entry(tmp_path):
    zebra = papers()[0]
    store = MarkStore.open(tmp_path)
    store.update(zebra, starred=True)
    store.save()
    store.update(zebra, starred=False)
    store.save()
    assert MarkStore.open(tmp_path).entries == {}


def test_two_instances_keep_each_others_marks(tmp_path):
    zebra, quokka, wombat = papers()
    first, second = MarkStore.open(tmp_path), MarkStore.open(tmp_path)
    first.update(zebra, starred=True)
    first.save()
    second.update(quokka, read=True)
    second.save()  # re-reads the file: the zebra's star survives
    assert second.get(zebra).starred
    first.update(wombat, tags=["x"])
    first.save()
    final = MarkStore.open(tmp_path)
    assert final.get(zebra).starred and final.get(quokka).read and final.get(wombat).tags == ("x",)
    assert first.get(quokka).read  # first picked up second's mark when it saved


def test_a_damaged_file_is_moved_aside_not_overwritten(tmp_path):
    path = tmp_path / STATE_FILE
    path.write_text('{"version": 1, "papers": {"x": ')
    store = MarkStore.open(tmp_path)
    assert len(store.warnings) == 1 and "damaged" in store.warnings[0] and "moved aside" in store.warnings[0]
    (aside,) = tmp_path.glob(f"{STATE_FILE}.damaged-*")
    assert aside.read_text() == '{"version": 1, "papers": {"x": '
    store.update(papers()[0], starred=True)
    store.save()
    assert MarkStore.open(tmp_path).get(papers()[0]).starred
    assert aside.exists()


@pytest.mark.parametrize("content", [b"\xff\xfe binary", b"[]", b'{"papers": {"k": {"title": 3}}}', b'{"papers": {"k": {"title": "t", "tags": "x"}}}'])
def test_every_kind_of_damage_is_caught(tmp_path, content):
    (tmp_path / STATE_FILE).write_bytes(content)
    store = MarkStore.open(tmp_path)
    assert store.entries == {} and "damaged" in store.warnings[0]
    assert not (tmp_path / STATE_FILE).exists()


def test_a_newer_format_is_left_alone(tmp_path):
    path = tmp_path / STATE_FILE
    path.write_text('{"version": 99, "papers": {}}')
    store = MarkStore.open(tmp_path)
    assert "newer papertui" in store.warnings[0]
    store.update(papers()[0], starred=True)
    store.save()  # memory only from now on
    assert path.read_text() == '{"version": 99, "papers": {}}'


def test_an_unwritable_directory_fails_in_one_line_and_keeps_the_marks(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    store = MarkStore.open(blocker / "data")  # even root cannot create a directory in a file
    assert len(store.warnings) == 1 and "cannot read the marks file" in store.warnings[0]
    store.update(papers()[0], starred=True)
    with pytest.raises(StateError, match="cannot") as error:
        store.save()
    assert "\n" not in str(error.value)
    assert store.pending and store.get(papers()[0]).starred


def test_a_read_only_directory_keeps_the_marks_until_it_is_writable(tmp_path, monkeypatch):
    import tempfile

    store = MarkStore.open(tmp_path)
    store.update(papers()[0], starred=True)
    real = tempfile.mkstemp

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(StateError, match="Permission denied"):
        store.save()
    monkeypatch.setattr(tempfile, "mkstemp", real)
    store.save()  # retried once writable: nothing was lost
    assert MarkStore.open(tmp_path).get(papers()[0]).starred


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    zebra, quokka, _ = papers()
    store = MarkStore.open(tmp_path)
    store.update(zebra, starred=True)
    store.save()
    before = (tmp_path / STATE_FILE).read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    store.update(quokka, starred=True)
    with pytest.raises(StateError, match="No space left on device"):
        store.save()
    assert (tmp_path / STATE_FILE).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert store.pending


def test_mask_finds_marked_papers_by_id_and_title(tmp_path):
    corpus = papers() + [make_paper("Zebra crossings at night", arxiv_id="2406.16845")]
    store = MarkStore(tmp_path / STATE_FILE)
    store.update(corpus[0], starred=True)
    store.update(corpus[2], tags=["x"])
    assert store.mask(corpus, 4, lambda m: m.starred).tolist() == [True, False, False, True]
    assert store.mask(corpus, 3, lambda m: "x" in m.tags).tolist() == [False, False, True]
    assert paper_key(corpus[1]) == "title:quokkasmilesexplained"


def test_the_lookup_finds_repeated_and_non_ascii_titles_across_chunks(tmp_path, monkeypatch):
    import papertui.marks.store as state_module

    monkeypatch.setattr(state_module, "LOOKUP_CHUNK", 2)
    corpus = [
        make_paper("Über naïve Straße"),
        make_paper("Zebra crossings", arxiv_id="2401.00001"),
        make_paper("Quokka"),
        make_paper("über NAÏVE straße!"),  # the same title key, in another chunk
        make_paper("Other", arxiv_id="2401.00001"),  # the same id, in another chunk
    ]
    store = MarkStore(tmp_path / STATE_FILE)
    store.update(corpus[0], starred=True)
    store.update(corpus[1], read=True)
    assert store.mask(corpus, 5, lambda m: m.starred).tolist() == [True, False, False, True, False]
    assert store.mask(corpus, 5, lambda m: m.read).tolist() == [False, True, False, False, True]


def test_marks_made_by_id_alone_never_share_an_empty_title(data_dir):
    from papertui.corpus.model import Paper
    from papertui.marks.store import MarkStore

    marks = MarkStore.open()
    marks.update(Paper(title="", abstract="", arxiv_id="2401.10006"), starred=True)
    marks.update(Paper(title="", abstract="", arxiv_id="2401.10007"), read=True)
    assert marks.get(Paper(title="", abstract="", arxiv_id="2401.10006")).starred
    assert not marks.get(Paper(title="", abstract="", arxiv_id="2401.10006")).read
    assert marks.get(Paper(title="", abstract="", arxiv_id="2401.10007")).read
    assert marks.get(Paper(title="", abstract="no id, no title")) is None


def test_marks_are_found_in_each_list_of_papers_asked_about(tmp_path):
    """The corpus, then a citation walk's step (other papers, other positions), then the
    corpus again, then the corpus with papers joined in place: each answer is about the list asked."""
    corpus = [make_paper(f"Paper {n}", arxiv_id=f"2401.{n:05d}") for n in range(6)]
    step = [make_paper("Outside"), corpus[4], make_paper("Other"), corpus[1]]
    store = MarkStore(tmp_path / STATE_FILE)
    store.update(corpus[1], dismissed=True)
    store.update(corpus[4], starred=True)
    assert store.dismissed_mask(corpus, 6).tolist() == [False, True, False, False, False, False]
    assert store.dismissed_mask(step, 4).tolist() == [False, False, False, True]
    assert store.mask(step, 4, lambda m: m.starred).tolist() == [False, True, False, False]
    assert store.mask(corpus, 6, lambda m: m.starred).tolist() == [False, False, False, False, True, False]
    del corpus[0]  # joined while loading: the same list, every index moved
    store.forget_papers()
    assert store.dismissed_mask(corpus, 5).tolist() == [True, False, False, False, False]
    assert store.mask(corpus, 5, lambda m: m.starred).tolist() == [False, False, False, True, False]

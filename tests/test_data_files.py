"""The data directory's files edited by hand, or replaced by a FIFO: the marks (state.json),
the resolver's answers (resolved.json) and what the app remembers (settings.json). Each
gives one line and the app goes on; nothing waits on a FIFO or writes over one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import make_paper, within_deadline
from papertui.resolve import Answer, ResolveCache
from papertui.settings import Remembered
from papertui.marks.store import STATE_FILE, MarkStore, StateError

HUGE = "1" + "0" * 400  # a valid JSON number no float can hold
fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")




# --- state.json --------------------------------------------------------------------------


@fifo_only
def test_a_fifo_for_the_marks_file_is_one_line_and_never_written_over(tmp_path):
    os.mkfifo(tmp_path / STATE_FILE)
    kind, store = within_deadline(lambda: MarkStore.open(tmp_path))
    assert kind == "value"
    assert store.warnings == [f"cannot read the marks file {tmp_path / STATE_FILE}: it is a named pipe (FIFO), not a file; marks are not saved"]
    store.update(make_paper("Quokka smiles explained"), starred=True)
    kind, error = within_deadline(store.save)
    assert kind == "error" and isinstance(error, StateError) and "named pipe" in str(error)
    assert (tmp_path / STATE_FILE).is_fifo()


@fifo_only
def test_a_fifo_for_the_lock_file_is_one_line(tmp_path):
    os.mkfifo(tmp_path / f".{STATE_FILE}.lock")
    store = MarkStore.open(tmp_path)
    store.update(make_paper("Quokka smiles explained"), starred=True)
    kind, error = within_deadline(store.save)
    assert kind == "error" and isinstance(error, StateError)
    assert str(error) == f"cannot save marks in {tmp_path}: the lock file {tmp_path / ('.' + STATE_FILE + '.lock')} is a named pipe (FIFO), not a file"


@pytest.mark.parametrize("changed", [HUGE, "NaN", "-Infinity", '"yesterday"', "true"], ids=["10**400", "nan", "-inf", "text", "bool"])
def test_a_hand_edited_time_is_no_time(tmp_path, changed):
    (tmp_path / STATE_FILE).write_text(f'{{"version": 1, "papers": {{"title:quokka": {{"title": "Quokka", "starred": true, "changed": {changed}}}}}}}')
    store = MarkStore.open(tmp_path)
    assert store.warnings == []
    (marks,) = store.entries.values()
    assert marks.starred and marks.changed == 0.0


@pytest.mark.parametrize(
    "version, warning",
    [('"2"', "damaged (its version is not a whole number)"), ("1" + "0" * 100, "newer papertui (format past 10**9)")],
    ids=["text", "10**100"],
)
def test_a_hand_edited_version_is_one_line(tmp_path, version, warning):
    (tmp_path / STATE_FILE).write_text(f'{{"version": {version}, "papers": {{}}}}')
    store = MarkStore.open(tmp_path)
    assert len(store.warnings) == 1 and warning in store.warnings[0] and "\n" not in store.warnings[0]


def test_a_marks_file_nested_deep_is_moved_aside_in_one_line(tmp_path):
    (tmp_path / STATE_FILE).write_text('{"version": 1, "papers": {"k": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    store = MarkStore.open(tmp_path)
    assert len(store.warnings) == 1 and "damaged" in store.warnings[0] and "moved aside" in store.warnings[0]


# --- resolved.json -----------------------------------------------------------------------


def test_a_hand_edited_similarity_and_a_surrogate_key_neither_raise_nor_stop_saving(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "resolved.json").write_text(
        '{"version": 1, "titles": {'
        f'"a \\udc00 key": {{"id": "2401.00001", "title": "A", "similarity": {HUGE}, "asked": ""}},'
        '"b": {"id": "2401.00002", "title": "B", "similarity": NaN, "asked": ""}}}'
    )
    cache = ResolveCache.open()
    assert cache.warnings == []
    assert sorted(answer.similarity for answer in cache.answers.values()) == [0.0, 0.0]
    cache.put("Something new", Answer(None, None, 12.0, "2026-12-06T00:00:00+00:00"))
    assert cache.save() is None
    saved = json.loads((data_dir / "resolved.json").read_text(encoding="utf-8"))
    assert "a \ufffd key" in saved["titles"] and len(saved["titles"]) == 3


@fifo_only
def test_a_fifo_for_the_resolvers_cache_is_one_line_and_never_written_over(data_dir):
    data_dir.mkdir(parents=True)
    os.mkfifo(data_dir / "resolved.json")
    kind, cache = within_deadline(ResolveCache.open)
    assert kind == "value"
    assert cache.warnings == [f"cannot read the resolver's cache {data_dir / 'resolved.json'}: it is a named pipe (FIFO), not a file; it is not used"]
    cache.put("Something new", Answer(None, None, 12.0, "2026-12-06T00:00:00+00:00"))
    assert cache.save() is None and (data_dir / "resolved.json").is_fifo()


def test_a_version_that_is_not_a_number_is_damage(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "resolved.json").write_text('{"version": "2", "titles": {}}')
    cache = ResolveCache.open()
    assert len(cache.warnings) == 1 and "damaged (its version is not a whole number)" in cache.warnings[0]


# --- settings.json -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"[" * 100_000, "nested deeper than 32 levels"),
        (b'{"sort": 1' + b"0" * 5000 + b"}", "Exceeds the limit (4300 digits)"),
        (b'{"sort": "\xff"}', "can't decode byte 0xff"),
    ],
    ids=["deep", "5000-digits", "not-utf8"],
)
def test_a_damaged_settings_file_is_one_line_and_a_fresh_start(tmp_path, content, problem):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    remembered = Remembered(path)
    assert remembered.values == {} and remembered.problem is not None
    assert remembered.problem.startswith(f"cannot read {path} (") and problem in remembered.problem and "\n" not in remembered.problem


@fifo_only
def test_a_fifo_for_the_settings_file_is_one_line(tmp_path):
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    kind, remembered = within_deadline(lambda: Remembered(path))
    assert kind == "value" and remembered.problem == f"cannot read {path} (it is a named pipe (FIFO), not a file); starting afresh"


def test_hand_edited_values_of_the_wrong_type_are_ignored(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"sort": ["date"], "sort_configured": null, "history": ["ok", 3, "\\ud800 \\u001b[2J x"], "saved": {"s": "\\u001b]0;t\\u0007q"}}')
    remembered = Remembered(path)
    assert remembered.choice("sort", None, ["date", "title"]) is None  # a list is not an order
    assert remembered.history == ["ok", "\ufffd  x"]
    assert remembered.saved_searches == {"s": "q"}
    remembered.add_to_history("new")  # writes the file back: a lone surrogate must not stop it
    assert json.loads(path.read_text(encoding="utf-8"))["history"] == ["ok", "\ufffd  x", "new"]


# --- doctor ------------------------------------------------------------------------------


@fifo_only
def test_doctor_with_fifos_for_the_marks_and_a_library_file_does_not_hang(data_dir, tmp_path):
    (data_dir / "library" / "hf").mkdir(parents=True)
    os.mkfifo(data_dir / STATE_FILE)
    os.mkfifo(data_dir / "library" / "hf" / "2024-01-01.jsonl")
    (data_dir / "library" / "hf" / "2024-01-02.jsonl").write_text('{"id": "2401.00001", "title": "T", "abstract": "A"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "papertui", "doctor", str(tmp_path / "none")],
        capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "  marks       cannot read state.json: it is a named pipe (FIFO), not a file" in done.stdout
    assert ": 2 files, 1 papers fetched" in done.stdout

"""Full garbage collections wait for a pause in the keys (ui/quiet_collection.py)."""

import gc

import pytest

from papertui.ui import quiet_collection
from papertui.ui.quiet_collection import DUE, HELD, OVERDUE, QUIET, QuietCollector


class FakeGc:
    """gc's counters and passes, set by the test."""

    def __init__(self, pending: int) -> None:
        self.pending = pending
        self.collected = 0

    def get_count(self):
        return (0, 0, self.pending)

    def collect(self):
        self.collected += 1
        self.pending = 0


@pytest.fixture
def clock():
    class Clock:
        now = 100.0

        def __call__(self):
            return self.now

    return Clock()


@pytest.mark.parametrize(
    "pending, since_key, busy, runs",
    [
        (DUE - 1, 60.0, False, False),  # nothing due
        (DUE, QUIET - 0.1, False, False),  # due, but the keys have not paused
        (DUE, QUIET, False, True),  # due and quiet
        (OVERDUE, 0.0, False, True),  # long overdue: even mid-typing
        (OVERDUE, 60.0, True, False),  # never while loading
    ],
)
def test_a_full_pass_runs_when_due_and_quiet(monkeypatch, clock, pending, since_key, busy, runs):
    fake = FakeGc(pending)
    monkeypatch.setattr(quiet_collection, "gc", fake)
    collector = QuietCollector(clock)
    assert collector.tick(last_key=clock.now - since_key, busy=busy) is runs
    assert fake.collected == int(runs) == collector.passes


def test_held_full_passes_wait_for_the_tick(clock):
    before = gc.get_threshold()
    full_passes = []

    def seen(phase, info):
        if phase == "stop" and info["generation"] == 2:
            full_passes.append(info)

    collector = QuietCollector(clock)
    gc.collect()
    gc.callbacks.append(seen)
    try:
        collector.hold()
        assert gc.get_threshold() == (before[0], before[1], HELD)
        kept = [[i] for i in range(DUE * before[0] * before[1] * 2)]  # enough young passes for a full one
        assert gc.get_count()[2] >= DUE and full_passes == []  # Python did not run it
        assert collector.tick(last_key=clock.now, busy=False) is False  # a key just now: still waiting
        assert collector.tick(last_key=clock.now - QUIET, busy=False) is True
        assert len(full_passes) == 1 and gc.get_count()[2] == 0
        del kept
    finally:
        gc.callbacks.remove(seen)
        collector.release()
    assert gc.get_threshold() == before


async def test_the_app_holds_full_passes_while_it_runs_and_gives_them_back():
    from papertui.cli import make_app

    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[2] == HELD
    assert gc.get_threshold() == before

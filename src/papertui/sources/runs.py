"""Runs of fetches: the clients of one run (arXiv's endpoints share one throttle), and the
configured sources run in turn, for `papertui fetch` and the app's `F` alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from papertui.storage.regular_files import shown
from papertui.sources import arxiv, hf, oai
from papertui.sources.config import FetchPlan
from papertui.sources.http import ARXIV_INTERVAL, HF_INTERVAL, Client, Throttle
from papertui.sources.library import Library
from papertui.sources.limits import Limits, configured_limits
from papertui.sources.report import FetchReport, Progress, no_progress

if TYPE_CHECKING:
    from papertui.sources.citations.client import SemanticScholar

LAST_HARVEST_FILE = "oai/.last.json"
FIRST_HARVEST_DAYS = 7  # a configured OAI set's first harvest reaches this far back


@dataclass
class Clients:
    """One run's clients: every arXiv endpoint waits for the others (one request in 3 s)."""

    stop: Callable[[], bool] = lambda: False
    arxiv_throttle: Throttle = field(default_factory=lambda: Throttle(ARXIV_INTERVAL))
    hf_throttle: Throttle = field(default_factory=lambda: Throttle(HF_INTERVAL))
    limits: Limits = field(default_factory=configured_limits)  # read once for the run

    def arxiv(self, name: str = "the arXiv API") -> Client:
        return Client(name, self.arxiv_throttle, self.stop, limits=self.limits)

    def hf(self) -> Client:
        return Client("the Hugging Face API", self.hf_throttle, self.stop, limits=self.limits)

    def s2(self) -> tuple[SemanticScholar, list[str]]:
        """The Semantic Scholar client (its own throttle: one request a second), and a line
        for each of its settings that was ignored (a key that cannot be one)."""
        from papertui.sources.citations.client import from_settings

        return from_settings(stop=self.stop)


def run_plan(
    plan: FetchPlan,
    library: Library,
    clients: Clients,
    progress: Progress = no_progress,
    today: date | None = None,
    on_report: Callable[[FetchReport], None] = lambda report: None,
) -> list[FetchReport]:
    """Every configured source in turn (`on_report` hears of each as it ends, so that its
    papers can be shown at once). FetchError and Stopped propagate: what was stored stays."""
    today = today or date.today()
    reports: list[FetchReport] = []

    def done(report: FetchReport) -> None:
        reports.append(report)
        on_report(report)

    if plan.hf_days:
        days = [today - timedelta(days=n) for n in range(plan.hf_days - 1, -1, -1)]
        done(hf.fetch_days(days, clients.hf(), library, progress))
    if plan.arxiv:
        done(arxiv.fetch_announcement(plan.arxiv, clients.arxiv("arXiv's RSS feeds"), library, progress))
    for set_spec in plan.oai:
        since, problem = last_harvest(library, set_spec, today)
        report = oai.harvest(set_spec, clients.arxiv("arXiv's OAI-PMH service"), library, since=since, progress=progress)
        if problem:
            report.lines.insert(0, problem)
        done(report)
        library.update_state(LAST_HARVEST_FILE, lambda last: {**last, set_spec: today.isoformat()})
    return reports


def last_harvest(library: Library, set_spec: str, today: date) -> tuple[date, str | None]:
    """The day a configured set was last harvested (the first harvest reaches a week back),
    and a line when what the file holds for it is not a day up to today (a hand edit)."""
    first = today - timedelta(days=FIRST_HARVEST_DAYS)
    last = library.state(LAST_HARVEST_FILE).get(set_spec)
    if last is None:
        return first, None
    try:
        day = date.fromisoformat(last) if isinstance(last, str) and len(last) == 10 else None
    except ValueError:
        day = None
    if day is None or day > today:
        where = library.root / LAST_HARVEST_FILE
        return first, f"the last harvest day of {shown(set_spec)} in {shown(where)} is not a day up to today; harvesting the last {FIRST_HARVEST_DAYS} days"
    return day, None

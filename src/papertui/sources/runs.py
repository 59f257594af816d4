"""Runs of fetches: the clients of one run (arXiv's endpoints share one throttle), and the
configured sources run in turn, for `papertui fetch` and the app's `F` alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from papertui.sources import arxiv, hf, oai
from papertui.sources.config import FetchPlan
from papertui.sources.http import ARXIV_INTERVAL, HF_INTERVAL, Client, Throttle
from papertui.sources.library import Library
from papertui.sources.report import FetchReport, Progress, no_progress

LAST_HARVEST_FILE = "oai/.last.json"
FIRST_HARVEST_DAYS = 7  # a configured OAI set's first harvest reaches this far back


@dataclass
class Clients:
    """One run's clients: every arXiv endpoint waits for the others (one request in 3 s)."""

    stop: Callable[[], bool] = lambda: False
    arxiv_throttle: Throttle = field(default_factory=lambda: Throttle(ARXIV_INTERVAL))
    hf_throttle: Throttle = field(default_factory=lambda: Throttle(HF_INTERVAL))

    def arxiv(self, name: str = "the arXiv API") -> Client:
        return Client(name, self.arxiv_throttle, self.stop)

    def hf(self) -> Client:
        return Client("the Hugging Face API", self.hf_throttle, self.stop)


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
        last = library.state(LAST_HARVEST_FILE)
        since = date.fromisoformat(last[set_spec]) if isinstance(last.get(set_spec), str) else today - timedelta(days=FIRST_HARVEST_DAYS)
        done(oai.harvest(set_spec, clients.arxiv("arXiv's OAI-PMH service"), library, since=since, progress=progress))
        library.save_state(LAST_HARVEST_FILE, {**last, set_spec: today.isoformat()})
    return reports

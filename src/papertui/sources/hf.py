"""Hugging Face daily papers: `/api/daily_papers?date=YYYY-MM-DD`, one request a day listed."""

from __future__ import annotations

import os
from datetime import date, timedelta

from papertui.corpus.hf_papers_json import parse_papers_json
from papertui.corpus.model import FileReport
from papertui.sources.http import Client
from papertui.sources.library import Library
from papertui.sources.report import FetchReport, Progress, no_progress

BASE_VARIABLE = "PAPERTUI_HF_API"
DEFAULT_BASE = "https://huggingface.co"
MAX_DAYS = 366


def base_url() -> str:
    return os.environ.get(BASE_VARIABLE, DEFAULT_BASE).rstrip("/")


def days_between(first: date, last: date) -> list[date]:
    if last < first:
        raise ValueError(f"--until {last} is before --since {first}")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"{count} days asked; at most {MAX_DAYS} at a time")
    return [first + timedelta(days=n) for n in range(count)]


def fetch_days(days: list[date], client: Client, library: Library, progress: Progress = no_progress) -> FetchReport:
    """Each day's list into `hf/YYYY-MM-DD.jsonl`. A day that cannot be read is said and
    skipped; no answer at all stops the run (FetchError), keeping the days stored so far."""
    report = FetchReport("Hugging Face daily papers")
    base = base_url()
    for number, day in enumerate(days):
        progress(f"Hugging Face {day}", number, len(days))
        body = client.get(f"{base}/api/daily_papers?date={day.isoformat()}")
        report.requests = client.requests
        parsed = FileReport(f"Hugging Face {day}")
        text = body.decode("utf-8", errors="replace")
        records = list(parse_papers_json(text, parsed)) if text.lstrip().startswith("[") else []
        if not records:
            if text.strip() in ("[]", ""):
                report.note(f"{day}: no papers listed that day")
            else:
                report.unreadable += 1
                problems = len(parsed.warnings)
                report.note(
                    f"Hugging Face {day}: the answer holds no paper papertui can read"
                    + (f" ({problems} items are not papers)" if problems else "")
                    + "; nothing stored for that day"
                )
            continue
        for record in records:
            record.listed = day.isoformat()
        stored = library.store(f"hf/{day.isoformat()}.jsonl", records)
        for warning in stored.warnings:  # its lines that could not be read, kept aside
            report.note(warning)
        report.papers += len(records)
        report.new += stored.new
        report.files.append(str(stored.path))
        skipped = [w for w in parsed.warnings if "skipped" in w]
        if skipped:
            report.note(f"{day}: {len(skipped)} items skipped ({skipped[0].split(': ', 1)[-1]})")
    progress("Hugging Face", len(days), len(days))
    return report

"""How large and how long one answer of a service may be: `Limits`, set in the config file's
`[limits]` table and overridden by the environment.

    [limits]
    answer_mb = 64          # one metadata answer (a page of a listing); $PAPERTUI_ANSWER_MB
    pdf_mb = 300            # one PDF; $PAPERTUI_PDF_MB
    answer_seconds = 300    # one metadata answer, first byte sent to last received; $PAPERTUI_ANSWER_SECONDS
    pdf_seconds = 1200      # one PDF download; $PAPERTUI_PDF_SECONDS
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

MB = 1_000_000

# key: (the environment variable that overrides it, the lowest and highest value taken)
SETTINGS = {
    "answer_mb": ("PAPERTUI_ANSWER_MB", 0.001, 100_000),
    "pdf_mb": ("PAPERTUI_PDF_MB", 0.001, 100_000),
    "answer_seconds": ("PAPERTUI_ANSWER_SECONDS", 0.1, 86_400),
    "pdf_seconds": ("PAPERTUI_PDF_SECONDS", 0.1, 86_400),
}


@dataclass(frozen=True)
class Limits:
    """Generous: a real answer never comes near them, a hostile one stops there."""

    answer_bytes: int = 64 * MB  # an OAI-PMH page of 1,000 records is a few MB
    pdf_bytes: int = 300 * MB  # the largest arXiv PDFs are a few tens of MB
    answer_seconds: float = 300.0
    pdf_seconds: float = 1200.0
    problems: tuple[str, ...] = ()  # one line each: a setting that was ignored


def limit_settings(config: dict[str, Any], environ: Mapping[str, str]) -> tuple[dict[str, float], list[str]]:
    """The limits the config's `[limits]` table sets, each overridden by its environment
    variable; a value that is not a number in range is said (one line) and left out."""
    table = config.get("limits")
    settings: dict[str, float] = {}
    problems: list[str] = []
    if table is not None and not isinstance(table, dict):
        problems.append(f"limits = {_shown(table)}: give a table, as [limits] answer_mb = 64; ignored")
        table = None
    for key, (variable, low, high) in SETTINGS.items():
        for where, value in ((f"[limits] {key}", (table or {}).get(key)), (f"${variable}", environ.get(variable))):
            if value is None or value == "":
                continue
            number = _number(value)
            if number is not None and low <= number <= high:
                settings[key] = number
            else:
                problems.append(f"{where} = {_shown(value)}: give a number from {low:g} to {high:,}; ignored")
    return settings, problems


def configured_limits() -> Limits:
    """The limits of the config file, overridden by the environment; the defaults otherwise."""
    from papertui.sources.config import read_config

    config, _ = read_config()  # an unreadable file is said by the command that reads its sources
    settings, problems = limit_settings(config, os.environ)
    return Limits(
        answer_bytes=round(settings.get("answer_mb", Limits.answer_bytes / MB) * MB),
        pdf_bytes=round(settings.get("pdf_mb", Limits.pdf_bytes / MB) * MB),
        answer_seconds=settings.get("answer_seconds", Limits.answer_seconds),
        pdf_seconds=settings.get("pdf_seconds", Limits.pdf_seconds),
        problems=tuple(problems),
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if value.bit_length() < 64 else None
    if isinstance(value, float):
        return value if value == value else None  # not NaN
    if isinstance(value, str) and value.strip().isascii():
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number else None
    return None


def _shown(value: object, width: int = 60) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of {value.bit_length():,} bits"
    if isinstance(value, (list, dict)):
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"

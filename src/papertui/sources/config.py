"""The config file's fetch sources and watch list: TOML in the platform's config directory
(`~/.config/papertui/config.toml` on Linux), or where `$PAPERTUI_CONFIG` says.

    [fetch]
    hf = true                   # the Hugging Face list of the last 3 days (or a number of days)
    arxiv = ["cs.CL", "cs.LG"]  # the day's announcement of these categories (RSS)
    oai = "cs"                  # optional: harvest this OAI-PMH set since the last harvest

    [watch]                     # read by marks/watch.py: `is:watched`, the list's highlight, the digest
    authors = ["Yann LeCun", "Hinton, Geoffrey"]
    words = ["diffusion", "state space model"]
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papertui.corpus.text import printable
from papertui.storage.nesting import toml_too_deep
from papertui.storage.regular_files import read_regular_text, shown

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_VARIABLE = "PAPERTUI_CONFIG"
HF_DEFAULT_DAYS = 3


def config_path() -> Path:
    override = os.environ.get(CONFIG_VARIABLE)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("papertui", appauthor=False)) / "config.toml"


@dataclass
class FetchPlan:
    hf_days: int = 0
    arxiv: list[str] = field(default_factory=list)
    oai: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: what in the file was ignored

    @property
    def empty(self) -> bool:
        return not (self.hf_days or self.arxiv or self.oai)


# A config is a few lines: a bigger file is a mistake (a log, a PDF) that would only be slow.
CONFIG_LIMIT = 1 << 20
# Its tables nest two deep; tomllib recurses per level (and takes minutes over `a.a.a…`).
CONFIG_DEPTH = 64


def read_config(path: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """The config as a dict, and a one-line problem when it cannot be read (then {}).

    Only a regular file is read (a FIFO there would hang every command before its first line)."""
    path = path or config_path()
    where = shown(path)
    try:
        text = read_regular_text(path, CONFIG_LIMIT)
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return {}, f"cannot read the config file {where}: {error.strerror or error}; its settings are ignored"
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        return {}, f"the config file {where} is not UTF-8 (line {line:,}); its settings are ignored"
    if toml_too_deep(text, CONFIG_DEPTH):
        return {}, f"the config file {where} nests deeper than {CONFIG_DEPTH} levels; its settings are ignored"
    try:
        return tomllib.loads(text), None
    except (ValueError, RecursionError) as error:  # ValueError: TOMLDecodeError, a 5,000-digit number
        reason = " ".join(printable(str(error)).split())[:200]
        return {}, f"the config file {where} is not valid TOML ({reason}); its settings are ignored"


def shown_value(value: Any, width: int = 60) -> str:
    """A config value in a one-line message: its repr, cut short (a 50,000-digit hex
    number or a list of thousands stays one short line; repr escapes control characters)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of {value.bit_length():,} bits"
    if isinstance(value, (list, dict)) and len(value) > width:
        return f"a {type(value).__name__} of {len(value):,} items"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a huge int inside a list
        return f"a {type(value).__name__}"
    return text if len(text) <= width else text[: width - 1] + "…"


def fetch_plan(config: dict[str, Any]) -> FetchPlan:
    """What `papertui fetch` with no source runs: the `[fetch]` table (or the same keys at the top)."""
    table = config.get("fetch") if isinstance(config.get("fetch"), dict) else config
    plan = FetchPlan()
    hf = table.get("hf")
    if hf is True:
        plan.hf_days = HF_DEFAULT_DAYS
    elif isinstance(hf, int) and not isinstance(hf, bool) and 0 < hf <= 366:
        plan.hf_days = hf
    elif hf not in (None, False):
        plan.problems.append(f"hf = {shown_value(hf)}: give true or a number of days (1 to 366); ignored")
    plan.arxiv = _names(table.get("arxiv"), "arxiv", 'a list of categories, as ["cs.CL", "cs.LG"]', plan.problems)
    plan.oai = _names(table.get("oai"), "oai", 'a set name, as "cs"', plan.problems)
    return plan


def _names(value: Any, key: str, wanted: str, problems: list[str]) -> list[str]:
    """A name or a list of names; anything else is reported and left out."""
    if value is None:
        return []
    names = [value] if isinstance(value, str) else value
    if isinstance(names, list) and names and all(isinstance(n, str) and n.strip() for n in names):
        return [n.strip() for n in names]
    problems.append(f"{key} = {shown_value(value)}: give {wanted}; ignored")
    return []


# The watch list is read in full on every `is:watched`: a list this long is a mistake (a pasted file).
WATCH_ENTRIES = 1000


@dataclass
class WatchSettings:
    authors: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: what in `[watch]` was ignored


def watch_settings(config: dict[str, Any]) -> WatchSettings:
    """The `[watch]` table: `authors = ["Yann LeCun", "Hinton, Geoffrey"]`, `words = ["diffusion",
    "state space model"]`. A key of the wrong type is one line in `problems`; the other still counts."""
    settings = WatchSettings()
    table = config.get("watch")
    if table is None:
        return settings
    if not isinstance(table, dict):
        settings.problems.append(f"watch = {shown_value(table)}: give a table, [watch] with authors = [...] and words = [...]; ignored")
        return settings
    for key, wanted, found in (
        ("authors", 'a list of names, as ["Yann LeCun", "Hinton, Geoffrey"]', settings.authors),
        ("words", 'a list of words or phrases, as ["diffusion", "state space model"]', settings.words),
    ):
        value = table.get(key)
        if value is None:
            continue
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            settings.problems.append(f"[watch] {key} = {shown_value(value)}: give {wanted}; ignored")
            continue
        if len(names) > WATCH_ENTRIES:
            settings.problems.append(f"[watch] {key} has {len(names):,} entries: only the first {WATCH_ENTRIES:,} are watched")
        found.extend(name.strip() for name in names[:WATCH_ENTRIES] if name.strip())
    unknown = sorted(set(table) - {"authors", "words"})
    if unknown:
        settings.problems.append(f"[watch] {shown_value(', '.join(map(str, unknown)))}: not a setting (authors, words); ignored")
    return settings

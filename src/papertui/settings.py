"""Settings that stay: the config file's `[app]` and `[keys]` tables (the same TOML file as
the fetch sources), and what the app remembers between sessions (`settings.json` in the data
directory: the last sort order and theme, the last queries typed, the saved searches and when
each was last opened, for the palette's count of what is new in it).

    [app]
    sort = "date"             # the order at start: relevance, corpus, title, date, upvotes, ...
    theme = "gruvbox"         # any Textual theme (Ctrl+P, "Change theme", lists them)
    detail_width = 60         # columns for the detail pane (p hides it, < and > resize it)
    cursor_blink = false      # a steady cursor in the filter bar (default: blinking)

    [keys]                    # Textual keymaps: binding id = keys (F1 shows every binding)
    "paper.star" = "S"
    "paper.more_like_this" = "M,ctrl+l"

The remembered sort and theme win over the config file's, until the file's value changes.
A file that cannot be read gets one line and the defaults. No Textual here.
"""

from __future__ import annotations

import json
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from papertui.corpus.text import strip_controls
from papertui.storage.nesting import json_too_deep
from papertui.storage.regular_files import read_regular_text, shown
from papertui.search.orders import SORT_ORDERS
from papertui.sources.config import config_path, read_config, shown_value
from papertui.sources.library import now_iso
from papertui.storage.files import data_dir, write_atomically

REMEMBERED_FILE = "settings.json"
REMEMBERED_LIMIT = 4 << 20  # 200 queries and the saved searches: a few kilobytes
REMEMBERED_DEPTH = 32  # papertui writes two levels
HISTORY_KEPT = 200
MIN_DETAIL, MAX_DETAIL = 30, 400


@dataclass
class Settings:
    sort: str | None = None
    theme: str | None = None
    detail_width: int | None = None
    cursor_blink: bool = True
    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line each


def read_settings(themes: Iterable[str], path: Path | None = None) -> Settings:
    """The config file's app settings; what cannot be used is said and left out."""
    config, problem = read_config(path)
    settings = Settings(problems=[problem] if problem else [])
    where = shown(path or config_path())
    table = config.get("app", {})
    if not isinstance(table, dict):
        settings.problems.append(f"{where}: [app] should be a table; ignored")
        table = {}
    sort = table.get("sort")
    if sort is not None:
        if isinstance(sort, str) and sort in SORT_ORDERS:
            settings.sort = sort
        else:
            settings.problems.append(f"{where}: sort = {shown_value(sort)} is not an order ({', '.join(SORT_ORDERS)}); ignored")
    theme = table.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme in set(themes):
            settings.theme = theme
        else:
            settings.problems.append(f"{where}: theme = {shown_value(theme)} is not a theme here (Ctrl+P, Change theme, lists them); ignored")
    width = table.get("detail_width")
    if width is not None:
        if isinstance(width, int) and not isinstance(width, bool) and MIN_DETAIL <= width <= MAX_DETAIL:
            settings.detail_width = width
        else:
            settings.problems.append(f"{where}: detail_width = {shown_value(width)}: give columns, {MIN_DETAIL} to {MAX_DETAIL}; ignored")
    blink = table.get("cursor_blink")
    if blink is not None:
        if isinstance(blink, bool):
            settings.cursor_blink = blink
        else:
            settings.problems.append(f"{where}: cursor_blink = {shown_value(blink)}: give true or false; ignored")
    keys = config.get("keys", {})
    if isinstance(keys, dict):
        for binding, value in keys.items():
            if isinstance(value, str) and value.strip():
                settings.keys[str(binding)] = value.strip()
            else:
                settings.problems.append(f"{where}: [keys] {shown_value(binding)} = {shown_value(value)}: give keys as a string, as \"S\" or \"ctrl+l,M\"; ignored")
    else:
        settings.problems.append(f"{where}: [keys] should be a table of binding id = keys; ignored")
    return settings


def _iso_time(value: str) -> bool:
    """A time as papertui writes it (`2026-03-14T08:00:00Z`): a hand edit's junk is none."""
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


class Remembered:
    """What the app remembers between sessions, in one small JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / REMEMBERED_FILE
        self.values: dict[str, Any] = {}
        self.problem: str | None = None
        where = shown(self.path)
        try:
            text = read_regular_text(self.path, REMEMBERED_LIMIT)
            if json_too_deep(text, REMEMBERED_DEPTH):
                raise ValueError(f"nested deeper than {REMEMBERED_DEPTH} levels")
            loaded = json.loads(text)
            if isinstance(loaded, dict):
                self.values = loaded
            else:
                self.problem = f"{where} is not what papertui writes; starting afresh"
        except FileNotFoundError:
            pass
        except (OSError, ValueError, RecursionError) as error:  # ValueError: not UTF-8, not JSON, a 5,000-digit number
            reason = error.strerror if isinstance(error, OSError) and error.strerror else " ".join(str(error).split())[:200]
            self.problem = f"cannot read {where} ({reason}); starting afresh"

    def choice(self, name: str, configured: str | None, allowed: Iterable[str]) -> str | None:
        """The remembered value, unless the config file's changed since it was remembered."""
        remembered = self.values.get(name)
        if isinstance(remembered, str) and remembered in set(allowed) and self.values.get(f"{name}_configured") == configured:
            return remembered
        return configured

    def remember(self, name: str, value: str, configured: str | None) -> None:
        self.values[name] = value
        self.values[f"{name}_configured"] = configured
        self.save()

    @property
    def history(self) -> list[str]:
        queries = self.values.get("history", [])
        # strip_controls: the file may have been edited by hand; a query is shown and searched as typed.
        return [strip_controls(query) for query in queries if isinstance(query, str)] if isinstance(queries, list) else []

    def add_to_history(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        history = [old for old in self.history if old != query] + [query]
        self.values["history"] = history[-HISTORY_KEPT:]
        self.save()

    @property
    def saved_searches(self) -> dict[str, str]:
        saved = self.values.get("saved", {})
        return {strip_controls(k): strip_controls(v) for k, v in saved.items() if isinstance(v, str)} if isinstance(saved, dict) else {}

    def save_search(self, name: str, query: str, when: str | None = None) -> None:
        """Keep `query` under `name`; saving counts as opening it (`when`, an ISO time: now)."""
        saved = self.saved_searches
        saved[name] = query
        self.values["saved"] = dict(sorted(saved.items()))
        self.open_search(name, when)  # saves

    @property
    def searches_opened(self) -> dict[str, str]:
        """When each saved search was last opened (ISO times, as papers' first_seen): what the
        palette counts as new in it is what the library first saw after that."""
        opened = self.values.get("saved_opened", {})
        return {k: v for k, v in opened.items() if isinstance(k, str) and isinstance(v, str) and _iso_time(v)} if isinstance(opened, dict) else {}

    def open_search(self, name: str, when: str | None = None) -> None:
        """The saved search `name` was opened at `when` (now when None)."""
        opened = self.searches_opened
        opened[name] = when or now_iso()
        self.values["saved_opened"] = {k: v for k, v in sorted(opened.items()) if k in self.saved_searches}
        self.save()

    def save(self) -> None:
        try:
            write_atomically(self.path, json.dumps(self.values, ensure_ascii=False, indent=1) + "\n")
        except (OSError, ValueError):  # ValueError: a lone surrogate read from a hand-edited file
            pass  # a read-only data directory: remembered next time it can be written

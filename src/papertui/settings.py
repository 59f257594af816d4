"""Settings that stay: the config file's `[app]` and `[keys]` tables (the same TOML file as
the fetch sources), and what the app remembers between sessions (`settings.json` in the data
directory: the last sort order and theme, and the last queries typed).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from papertui.search.orders import SORT_ORDERS
from papertui.sources.config import config_path, read_config
from papertui.state import data_dir, write_atomically

REMEMBERED_FILE = "settings.json"
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
    where = path or config_path()
    table = config.get("app", {})
    if not isinstance(table, dict):
        settings.problems.append(f"{where}: [app] should be a table; ignored")
        table = {}
    sort = table.get("sort")
    if sort is not None:
        if sort in SORT_ORDERS:
            settings.sort = sort
        else:
            settings.problems.append(f"{where}: sort = {sort!r} is not an order ({', '.join(SORT_ORDERS)}); ignored")
    theme = table.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme in set(themes):
            settings.theme = theme
        else:
            settings.problems.append(f"{where}: theme = {theme!r} is not a theme here (Ctrl+P, Change theme, lists them); ignored")
    width = table.get("detail_width")
    if width is not None:
        if isinstance(width, int) and not isinstance(width, bool) and MIN_DETAIL <= width <= MAX_DETAIL:
            settings.detail_width = width
        else:
            settings.problems.append(f"{where}: detail_width = {width!r}: give columns, {MIN_DETAIL} to {MAX_DETAIL}; ignored")
    blink = table.get("cursor_blink")
    if blink is not None:
        if isinstance(blink, bool):
            settings.cursor_blink = blink
        else:
            settings.problems.append(f"{where}: cursor_blink = {blink!r}: give true or false; ignored")
    keys = config.get("keys", {})
    if isinstance(keys, dict):
        for binding, value in keys.items():
            if isinstance(value, str) and value.strip():
                settings.keys[str(binding)] = value.strip()
            else:
                settings.problems.append(f"{where}: [keys] {binding} = {value!r}: give keys as a string, as \"S\" or \"ctrl+l,M\"; ignored")
    else:
        settings.problems.append(f"{where}: [keys] should be a table of binding id = keys; ignored")
    return settings


class Remembered:
    """What the app remembers between sessions, in one small JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / REMEMBERED_FILE
        self.values: dict[str, Any] = {}
        self.problem: str | None = None
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.values = loaded
            else:
                self.problem = f"{self.path} is not what papertui writes; starting afresh"
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as error:
            self.problem = f"cannot read {self.path} ({getattr(error, 'strerror', None) or error}); starting afresh"

    def choice(self, name: str, configured: str | None, allowed: Iterable[str]) -> str | None:
        """The remembered value, unless the config file's changed since it was remembered."""
        remembered = self.values.get(name)
        if remembered in set(allowed) and self.values.get(f"{name}_configured") == configured:
            return remembered
        return configured

    def remember(self, name: str, value: str, configured: str | None) -> None:
        self.values[name] = value
        self.values[f"{name}_configured"] = configured
        self.save()

    @property
    def history(self) -> list[str]:
        queries = self.values.get("history", [])
        return [query for query in queries if isinstance(query, str)] if isinstance(queries, list) else []

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
        return {str(k): v for k, v in saved.items() if isinstance(v, str)} if isinstance(saved, dict) else {}

    def save_search(self, name: str, query: str) -> None:
        saved = self.saved_searches
        saved[name] = query
        self.values["saved"] = dict(sorted(saved.items()))
        self.save()

    def save(self) -> None:
        try:
            write_atomically(self.path, json.dumps(self.values, ensure_ascii=False, indent=1) + "\n")
        except OSError:
            pass  # a read-only data directory: remembered next time it can be written

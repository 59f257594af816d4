"""The config file's fetch sources: TOML in the platform's config directory
(`~/.config/papertui/config.toml` on Linux), or where `$PAPERTUI_CONFIG` says.

    [fetch]
    hf = true                   # the Hugging Face list of the last 3 days (or a number of days)
    arxiv = ["cs.CL", "cs.LG"]  # the day's announcement of these categories (RSS)
    oai = "cs"                  # optional: harvest this OAI-PMH set since the last harvest
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def read_config(path: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """The config as a dict, and a one-line problem when it cannot be read (then {})."""
    path = path or config_path()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as error:
        return {}, f"cannot read the config file {path}: {getattr(error, 'strerror', None) or error}"
    except tomllib.TOMLDecodeError as error:
        return {}, f"the config file {path} is not valid TOML ({error}); its settings are ignored"


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
        plan.problems.append(f"hf = {hf!r}: give true or a number of days (1 to 366); ignored")
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
    problems.append(f"{key} = {value!r}: give {wanted}; ignored")
    return []

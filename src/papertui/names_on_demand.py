"""A package whose names are imported when first asked for (PEP 562), so that importing one
light module of it (`papertui.corpus.model`, `papertui.search.query`) does not import the
heavy ones (every parser, numpy, the index) on the way."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Callable, Mapping


def names_on_demand(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """The package's `__getattr__`: NAME comes from the module `package.homes[NAME]`."""

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)  # asked once
        return value

    return __getattr__

"""papertui: a keyboard-first terminal browser for research papers."""

from importlib.resources import files
from pathlib import Path

__version__ = "0.1.0"


def bundled_seeds() -> Path:
    """The seed corpus: inside the installed wheel, or `seeds/` of a source checkout."""
    packaged = Path(str(files("papertui"))) / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"

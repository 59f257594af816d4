"""papertui: a keyboard-first terminal browser for research papers."""

from pathlib import Path

__version__ = "0.1.0"


def bundled_seeds() -> Path:
    """The seed corpus: inside the installed wheel, or `seeds/` of a source checkout."""
    from importlib.resources import files  # 30 ms of imports: only when the seeds are asked for

    packaged = Path(str(files("papertui"))) / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"

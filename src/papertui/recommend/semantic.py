"""Papers as meaning vectors: WordLlama's static token embeddings (256 dimensions, shipped
inside its wheel) averaged over the title and abstract. Runs on the CPU in milliseconds per
hundred papers and never downloads anything: the model is read from the installed package
(its own loader looks in the wrong folder for the tokenizer and would fetch it from the
network, so papertui opens the two files itself).

Optional: without wordllama installed, `available()` says why, and everything else works.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.storage.regular_files import check_regular

MODEL = "l2_supercat"
DIMENSIONS = 256
BATCH = 128  # papers embedded between two calls of `stop`, which may pause the build while keys arrive


class NoModel(Exception):
    """The embedding model cannot be used here; the message is one line that says why."""


@lru_cache(maxsize=1)
def _model():
    try:
        import wordllama
        from safetensors import safe_open
        from wordllama import WordLlama
        from wordllama.inference import WordLlamaInference
    except ImportError as error:
        raise NoModel(f"wordllama is not installed ({error.name} missing): pip install wordllama") from None
    root = Path(wordllama.__file__).parent
    tokenizer_file = root / "tokenizers" / f"{MODEL}_tokenizer_config.json"
    weights_file = root / "weights" / f"{MODEL}_{DIMENSIONS}.safetensors"
    for path in (tokenizer_file, weights_file):
        # The loaders open the files themselves: a FIFO there would block them for ever.
        try:
            check_regular(path)
        except FileNotFoundError:
            raise NoModel(f"the installed wordllama has no {MODEL} model inside ({root}); nothing is downloaded") from None
        except OSError as error:
            raise NoModel(f"the installed wordllama's model cannot be read ({error}); reinstall wordllama") from None
    try:
        tokenizer = WordLlama.load_tokenizer(tokenizer_file)
        with safe_open(str(weights_file), framework="np", device="cpu") as weights:
            embedding = weights.get_tensor("embedding.weight")
        return WordLlamaInference(embedding, tokenizer)
    except Exception as error:  # a damaged or incompatible install: one line, no traceback
        raise NoModel(f"wordllama could not be loaded ({type(error).__name__}: {error})") from None


def available() -> str | None:
    """None when meaning vectors can be made here, else why not (one line)."""
    try:
        _model()
    except NoModel as error:
        return str(error)
    return None


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text). Raises NoModel."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_model().embed(list(texts), norm=True), dtype=np.float32)
    return vectors


def paper_text(paper: Paper) -> str:
    return f"{paper.title}. {paper.abstract}"


def embed_papers(papers: Sequence[Paper], stop: Callable[[], bool] = lambda: False) -> np.ndarray:
    """Every paper's unit vector, float16 (half the memory; cosines lose nothing that ranks)."""
    out = np.zeros((len(papers), DIMENSIONS), dtype=np.float16)
    for start in range(0, len(papers), BATCH):
        if stop():
            raise InterruptedError
        batch = papers[start : start + BATCH]
        out[start : start + len(batch)] = embed_texts([paper_text(paper) for paper in batch])
    return out

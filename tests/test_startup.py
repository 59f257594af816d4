"""The browser's start: what is imported before its first frame.

Every module imported before `App.run` delays the first frame. The parsers, the cache, the
index, numpy and the HTTP client are only needed once the load starts, so the command line
and the app import them where they are first used; this keeps it so."""

import subprocess
import sys

# Each stands for a family that the load or a key brings in later.
IMPORTED_AFTER_THE_FIRST_FRAME = (
    "numpy",
    "papertui.corpus.sniff",  # every input parser
    "papertui.corpus.stored",
    "papertui.cache",
    "papertui.loading",
    "papertui.search.index",
    "papertui.search.sorting",
    "papertui.recommend.model",
    "papertui.resolve",
    "papertui.sources.http",
    "papertui.pdfs.download",
    "http.client",
    "xml.etree.ElementTree",
)

BUILD_THE_BROWSER = """
import sys
from papertui.cli import browse
args = browse.browse_parser().parse_args(["--query", "graph neural"])
app = browse.make_app(args.paths, args.query, print_mode=args.print, with_library=not args.no_library)
print("\\n".join(sorted(sys.modules)))
"""


def test_building_the_browser_imports_nothing_the_load_needs(data_dir):
    done = subprocess.run([sys.executable, "-c", BUILD_THE_BROWSER], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    assert "papertui.ui.app" in imported and "textual.app" in imported  # the app itself was built
    assert sorted(imported.intersection(IMPORTED_AFTER_THE_FIRST_FRAME)) == []


def test_the_packages_still_offer_every_name_they_list():
    import papertui.corpus as corpus
    import papertui.search as search

    for package in (corpus, search):
        for name in package.__all__:
            assert getattr(package, name) is not None, (package.__name__, name)
    assert not hasattr(corpus, "no_such_name")  # an unknown name is an AttributeError, not an import


LIST_FROM_THE_CACHE = """
import sys
from papertui.cli import main
assert main(["list", "--query", "masked thought", "--limit", "1", sys.argv[1]]) == 0
print("parsers imported:", "papertui.corpus.sniff" in sys.modules)
"""


def run_twice_on_the_seeds(script: str, tmp_path, seeds_dir) -> list[subprocess.CompletedProcess]:
    """`script` in two processes on a copy of the seeds: the first reads the files and keeps
    them in the cache, the second starts from the cache."""
    import shutil

    corpus = tmp_path / "seeds"
    shutil.copytree(seeds_dir, corpus)
    runs = [
        subprocess.run([sys.executable, "-c", script, str(corpus)], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr
    return runs


def test_a_start_from_the_cache_imports_no_parser(tmp_path, seeds_dir):
    runs = run_twice_on_the_seeds(LIST_FROM_THE_CACHE, tmp_path, seeds_dir)
    assert runs[0].stdout.splitlines()[0] == runs[1].stdout.splitlines()[0]  # the same answer
    assert [run.stdout.splitlines()[-1] for run in runs] == ["parsers imported: True", "parsers imported: False"]


SEARCH_AFTER_A_START_FROM_THE_CACHE = """
import sys
from pathlib import Path
from papertui.loading import load_and_index
for step in load_and_index([Path(sys.argv[1])]):
    pass
before = set(sys.modules)
for query in ("lnaguage modle", "masked thought", "'reason", "title:graph | neural", "^large !model"):
    for end in range(1, len(query) + 1):
        step.index.search(query[:end]).rows[:40]
print("imported by the searches:", sorted(set(sys.modules) - before))
"""


def test_the_first_searches_after_a_start_from_the_cache_import_nothing(tmp_path, seeds_dir):
    """An import inside a key is paid by that key (numpy.ma, imported by np.unique's first
    call, cost the first typo search 15-20 ms): whatever the searches need comes with the load."""
    runs = run_twice_on_the_seeds(SEARCH_AFTER_A_START_FROM_THE_CACHE, tmp_path, seeds_dir)
    assert runs[1].stdout.splitlines()[-1] == "imported by the searches: []"

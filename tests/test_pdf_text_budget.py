"""PDF text extraction within a memory and time budget: a decompression bomb, a PDF that
takes too long and a FIFO in the library each end in one line, and a normal PDF reads as
it did in process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from papertui.corpus.text import strip_controls
from papertui.pdfs import extractor
from papertui.pdfs.store import PdfStore
from papertui.pdfs.text import DEFAULT_MEMORY_MB, NoText, TextBudget, ensure_text, extract_text, extractor_command, first_page, text_budget
from pdf_writer import make_bomb_pdf, make_pdf

BOMB_INFLATED = 300 << 20  # 300 MB of spaces: about 300 KB on disk, 620 MB of RSS in process
PROCESS_TREE_MB = 500
PAPER = make_pdf(
    ["Attention Is All You Need", "Abstract", "The dominant sequence transduction models (\u00e9t\u00e9) are recurrent."],
    ["3 Model Architecture", "Scaled Dot-Product Attention, multi-head."],
    "",
    ["Appendix: tabs\tand form\ffeeds are dropped"],
)


@pytest.fixture(scope="session")
def bomb_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written once a session: compressing 300 MB takes most of a second."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    path.write_bytes(make_bomb_pdf(BOMB_INFLATED))
    return path


def library_with(pdf: bytes | Path, arxiv_id: str = "2401.00001") -> PdfStore:
    store = PdfStore()
    store.root.mkdir(parents=True, exist_ok=True)
    target = store.target(arxiv_id)
    if isinstance(pdf, Path):
        shutil.copyfile(pdf, target)
    else:
        target.write_bytes(pdf)
    return store


def in_process_text(path: Path) -> str:
    """What extraction gave when pdfium ran inside papertui (before the child process)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\f".join(strip_controls(document[n].get_textpage().get_text_bounded().replace("\r\n", "\n")) for n in range(len(document)))
    finally:
        document.close()


MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from papertui.pdfs.store import PdfStore
    from papertui.pdfs.text import ensure_text
    store = PdfStore()
    started = time.monotonic()
    outcome = ensure_text(store, store.local("2401.00001"))
    unit = 1 << 20 if sys.platform == "darwin" else 1 << 10  # ru_maxrss: bytes there, KB on Linux
    try:  # this process's own peak: ru_maxrss also counts the copy of pytest it was forked from
        parent_mb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
    except OSError:
        parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
    print(json.dumps({
        "problem": outcome.problem,
        "seconds": time.monotonic() - started,
        "parent_mb": parent_mb,
        "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / unit,
    }))
    """
)


def test_a_decompression_bomb_ends_in_one_line_within_the_memory_budget(bomb_pdf):
    pytest.importorskip("resource", reason="the peak RSS of a child is measured with resource (Linux, macOS)")
    store = library_with(bomb_pdf)
    # a fresh process: its peak RSS and its children's are this extraction's alone
    environ = {**os.environ, "PAPERTUI_PDF_TEXT_SECONDS": "30"}
    run = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, env=environ, timeout=120)
    assert run.returncode == 0, run.stderr
    measured = json.loads(run.stdout)
    print(f"decompression bomb: {measured}")  # with -s: the figures bench/RESULTS.md quotes
    problem = measured["problem"]
    assert problem and "384 MB memory budget" in problem and "PAPERTUI_PDF_TEXT_MEMORY_MB" in problem and "\n" not in problem
    assert measured["child_mb"] <= DEFAULT_MEMORY_MB
    assert measured["parent_mb"] + measured["child_mb"] < PROCESS_TREE_MB
    assert measured["seconds"] < 30  # the memory limit ended it, long before the deadline
    store.forget_listing()
    local = store.local("2401.00001")
    assert local.no_text == problem and not local.has_text  # remembered: not tried at each start
    assert store.contains(local.path) and local.path.read_bytes() == bomb_pdf.read_bytes()  # still opens
    assert ensure_text(store, local).problem == problem


def test_a_pdf_that_reads_too_long_is_stopped_at_the_deadline():
    # 100 pages sharing an 8 MB stream of "q Q" (save, restore: nothing kept): ~12 s of pdfium, 40 MB
    store = library_with(make_bomb_pdf(8 << 20, fill=b"q Q\n", pages=100))
    started = time.monotonic()
    with pytest.raises(NoText, match="took longer than the 1 s budget") as said:
        extract_text(store.local("2401.00001"), TextBudget(seconds=1))
    assert time.monotonic() - started < 6  # a generous bound: without the deadline it takes ~12 s
    assert "PAPERTUI_PDF_TEXT_SECONDS" in str(said.value) and "\n" not in str(said.value)


def test_a_normal_pdf_reads_as_it_did_in_process(tmp_path):
    store = library_with(PAPER)
    local = store.local("2401.00001")
    text = extract_text(local)
    assert text == in_process_text(local.path)
    assert text.count("\f") == 3 and "Scaled Dot-Product Attention" in text.split("\f")[1]
    assert not text.isascii() and "formfeeds are dropped" in text  # through the child as UTF-8
    outcome = ensure_text(store, local)
    assert outcome.problem is None and outcome.words > 10
    store.forget_listing()
    assert store.local("2401.00001").has_text and first_page(store, store.local("2401.00001"))[0] == "Attention Is All You Need"


def test_the_budget_comes_from_the_environment_and_junk_keeps_the_default():
    assert text_budget({}) == TextBudget(384, 60)
    assert text_budget({"PAPERTUI_PDF_TEXT_MEMORY_MB": " 1024 ", "PAPERTUI_PDF_TEXT_SECONDS": "0"}) == TextBudget(1024, 0)
    for junk in ("9" * 5000, "²", "١٢", "-1", "1e3", "lots", ""):
        assert text_budget({"PAPERTUI_PDF_TEXT_MEMORY_MB": junk, "PAPERTUI_PDF_TEXT_SECONDS": junk}) == TextBudget(384, 60)
    command = extractor_command(Path("/x/2401.00001.pdf"), TextBudget(200, 5))
    assert command[:3] == [sys.executable, "-m", "papertui.pdfs.extractor"]
    assert command[3:6] == ["/x/2401.00001.pdf", "200", "6"]  # CPU: a second past the deadline
    assert extractor.whole_number("9" * 5000) == 0 and extractor.whole_number("²") == 0


def test_the_child_does_not_import_textual(tmp_path):
    path = tmp_path / "2401.00001.pdf"
    path.write_bytes(PAPER)
    probe = (
        "import runpy, sys; sys.argv = ['extractor', *sys.argv[1:]]\n"
        "import atexit, os\n"
        "real_exit = os._exit\n"
        "def exit_saying(status):\n"
        "    sys.stderr.write('textual' if any(name.split('.')[0] == 'textual' for name in sys.modules) else 'no textual')\n"
        "    sys.stderr.flush(); real_exit(status)\n"
        "os._exit = exit_saying\n"
        "runpy.run_module('papertui.pdfs.extractor', run_name='__main__')\n"
    )
    # its standard input stays open while it works, as the parent's does (closed: it ends)
    child = subprocess.Popen(
        [sys.executable, "-c", probe, str(path), "0", "0", "0", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert child.wait(timeout=60) == 0
    finally:
        child.stdin.close()
    assert child.stderr.read() == b"no textual" and b"Attention" in child.stdout.read()


def test_the_child_ends_when_its_parent_is_killed(tmp_path):
    pytest.importorskip("resource", reason="a POSIX kill of the parent")
    path = tmp_path / "slow.pdf"
    path.write_bytes(make_bomb_pdf(8 << 20, fill=b"q Q\n", pages=100))
    parent = textwrap.dedent(
        """
        import subprocess, sys
        from pathlib import Path
        from papertui.pdfs import text
        from papertui.pdfs.store import LocalPdf
        real = subprocess.Popen
        def popen(*args, **kwargs):
            child = real(*args, **kwargs)
            print(child.pid, flush=True)
            return child
        text.subprocess.Popen = popen
        text.extract_text(LocalPdf("2401.00001", "", Path(sys.argv[1]), 0, False, None), text.TextBudget(0, 0))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", parent, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(process.stdout.readline())
        os.kill(child, 0)  # running
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10  # generous: it ends as soon as it sees its input close
    while _running(child):
        assert time.monotonic() < deadline, "the extractor outlived its parent"
        time.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # an orphan that ended but is not reaped yet is a zombie: ended all the same
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def in_time(work, seconds: float = 5.0):
    """`work()`'s result, failing (not hanging) the test if it blocks, as on a FIFO."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"{work} blocked"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("suffix", [".txt", ".notext"])
def test_a_fifo_in_the_library_is_never_read(suffix):
    store = library_with(PAPER)
    fifo = store.root / f"2401.00001{suffix}"
    os.mkfifo(fifo)
    store.forget_listing()
    local = in_time(lambda: store.local("2401.00001"))
    assert not local.has_text and local.no_text is None
    assert in_time(lambda: store.full_text("2401.00001")) is None
    assert in_time(lambda: first_page(store, local)) == []
    # its text is extracted and written in place of the FIFO
    assert in_time(lambda: ensure_text(store, local)).problem is None
    store.forget_listing()
    assert in_time(lambda: store.local("2401.00001")).has_text
    assert "scaled dot-product attention" in (in_time(lambda: store.full_text("2401.00001")) or "")


def test_a_text_file_linked_elsewhere_is_replaced_not_written_through(tmp_path):
    store = library_with(PAPER)
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("keep me")
    (store.root / "2401.00001.txt").symlink_to(elsewhere)
    store.forget_listing()
    assert ensure_text(store, store.local("2401.00001")).problem is None
    assert elsewhere.read_text() == "keep me" and not (store.root / "2401.00001.txt").is_symlink()


def test_a_child_killed_by_a_signal_is_said_in_one_line(monkeypatch):
    store = library_with(PAPER)
    monkeypatch.setattr("papertui.pdfs.text._run_child", lambda command, output, budget: -signal.SIGSEGV)
    with pytest.raises(NoText, match="memory budget, pdfium stopped with SIGSEGV"):
        extract_text(store.local("2401.00001"))
    with pytest.raises(NoText, match=r"pdfium crashed on it \(SIGSEGV\)"):
        extract_text(store.local("2401.00001"), TextBudget(0, 60))
    # a child that could not start its work (exit status 1): not the PDF's fault, not remembered
    monkeypatch.setattr("papertui.pdfs.text._run_child", lambda command, output, budget: 1)
    assert "exit status 1" in ensure_text(store, store.local("2401.00001")).problem
    store.forget_listing()
    assert store.local("2401.00001").no_text is None


def test_a_pdf_over_the_budget_is_tried_again_only_under_a_larger_one(bomb_pdf):
    store = library_with(bomb_pdf)
    said = ensure_text(store, store.local("2401.00001"), TextBudget(64, 30)).problem
    assert "64 MB memory budget" in said
    store.forget_listing()
    assert ensure_text(store, store.local("2401.00001"), TextBudget(64, 30)).problem == said  # remembered
    assert "96 MB memory budget" in ensure_text(store, store.local("2401.00001"), TextBudget(96, 30)).problem
    store.forget_listing()
    assert "96 MB" in store.local("2401.00001").no_text


def test_pdfium_that_cannot_be_loaded_under_the_budget_is_over_the_budget(tmp_path, monkeypatch):
    """Under a tight address-space limit, loading pdfium's library itself can fail with ENOMEM
    (an OSError, not a MemoryError): that is the budget, not a damaged PDF."""
    fake = tmp_path / "fake-site" / "pypdfium2"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "import errno\nraise OSError(errno.ENOMEM, 'Cannot allocate memory', __file__)\n", encoding="utf-8"
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")]))
    store = library_with(make_pdf("Hello"))
    said = ensure_text(store, store.local("2401.00001"), TextBudget(200, 30)).problem
    assert said is not None and "200 MB memory budget" in said and "damaged" not in said, said

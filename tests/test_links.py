import stat
import time
import webbrowser

import pytest

from papertui import links
from papertui.links import (
    arxiv_id_from_url,
    copy_with_pyperclip,
    has_display,
    open_in_browser,
    paper_link,
    parse_arxiv_id,
    urls_in,
)
from helpers import make_paper


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/pdf/2406.16845", "2406.16845"),
        ("https://arxiv.org/pdf/2406.16845v3", "2406.16845"),
        ("https://arxiv.org/abs/2406.16845v1", "2406.16845"),
        ("http://arxiv.org/pdf/2406.16845.pdf", "2406.16845"),
        ("https://arxiv.org/abs/0704.0001", "0704.0001"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/pdf/2413.00001", None),  # month 13
        ("https://arxiv.org/pdf/2406.168451", None),  # six digits
        ("https://example.org/pdf/2406.16845", None),
        ("https://github.com/x/y", None),
    ],
)
def test_arxiv_id_from_url(url, expected):
    assert arxiv_id_from_url(url) == expected


def test_parse_bare_ids():
    assert parse_arxiv_id("arXiv:2406.16845v2") == "2406.16845"
    assert parse_arxiv_id("hep-th/9901001") == "hep-th/9901001"
    assert parse_arxiv_id("not an id") is None


def test_urls_in_trims_punctuation_and_latex_debris():
    text = (
        "Code: https://github.com/lunyiliu/CoachLM). See https://github.com/a/PA-LLaVA}{https://github.com/a/PA-LLaVA}, "
        "and (https://example.org/x_(y)) or https://aka.ms/autorag."
    )
    assert urls_in(text) == (
        "https://github.com/lunyiliu/CoachLM",
        "https://github.com/a/PA-LLaVA",
        "https://example.org/x_(y)",
        "https://aka.ms/autorag",
    )


def test_paper_link_uses_the_id():
    paper = make_paper("RaTEScore", arxiv_id="2406.16845")
    assert paper_link(paper, "abs").url == "https://arxiv.org/abs/2406.16845"
    assert paper_link(paper, "pdf").url == "https://arxiv.org/pdf/2406.16845"
    assert not paper_link(paper, "abs").is_search


def test_paper_link_without_id_is_a_title_search():
    link = paper_link(make_paper("Masked Thought: Simply Masking"), "pdf")
    assert link.is_search
    assert link.url == "https://arxiv.org/search/?query=Masked+Thought%3A+Simply+Masking&searchtype=title"


def test_paper_link_for_derived_title_searches_the_abstract():
    paper = make_paper("We study", abstract="We study masked reasoning steps.", title_derived=True)
    assert paper_link(paper, "abs").url.endswith("query=We+study+masked+reasoning+steps.&searchtype=abstract")


def test_paper_link_refuses_an_invalid_id():
    link = paper_link(make_paper("Evil", arxiv_id="../../evil"), "abs")
    assert link.is_search and link.url.startswith("https://arxiv.org/search/")


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "darwin", True),
        ({}, "win32", True),
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"DISPLAY": "localhost:10.0", "SSH_CONNECTION": "1 2 3 4"}, "linux", False),
        ({"DISPLAY": ":0", "SSH_TTY": "/dev/pts/1"}, "linux", False),
    ],
)
def test_has_display(environ, platform, expected):
    assert has_display(environ, platform) is expected


class FakeBrowser:
    def __init__(self, name="firefox"):
        self.name = name
        self.opened: list[str] = []

    def open(self, url):
        self.opened.append(url)
        return True


def test_open_uses_system_browser_with_display(monkeypatch):
    browser = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda: browser)
    outcome = open_in_browser("https://arxiv.org/pdf/2406.16845", {"DISPLAY": ":0"}, "linux")
    assert outcome.opened
    assert browser.opened == ["https://arxiv.org/pdf/2406.16845"]


def test_open_never_calls_webbrowser_without_display(monkeypatch):
    def fail():
        raise AssertionError("webbrowser must not be used without a display")

    monkeypatch.setattr(webbrowser, "get", fail)
    outcome = open_in_browser("https://arxiv.org/pdf/2406.16845", {}, "linux")
    assert not outcome.opened
    assert "no display" in outcome.how


def test_open_refuses_console_browser(monkeypatch):
    browser = FakeBrowser("lynx")
    monkeypatch.setattr(webbrowser, "get", lambda: browser)
    outcome = open_in_browser("https://arxiv.org/abs/2406.16845", {"DISPLAY": ":0"}, "linux")
    assert not outcome.opened and browser.opened == []


def test_open_refuses_urls_off_arxiv(monkeypatch):
    monkeypatch.setattr(webbrowser, "get", lambda: FakeBrowser())
    outcome = open_in_browser("https://evil.example/x", {"DISPLAY": ":0"}, "darwin")
    assert not outcome.opened


def test_open_honours_browser_variable(tmp_path):
    log = tmp_path / "opened.txt"
    script = tmp_path / "mybrowser"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    outcome = open_in_browser("https://arxiv.org/abs/2406.16845", {"BROWSER": f"{script} --new-tab %s"}, "linux")
    assert outcome.opened
    for _ in range(500):  # the browser is started detached; give it a moment (up to 10 s)
        if log.exists() and log.read_text().strip():
            break
        time.sleep(0.02)
    assert log.read_text().strip() == "--new-tab https://arxiv.org/abs/2406.16845"


def test_open_with_missing_browser_program_says_so():
    outcome = open_in_browser("https://arxiv.org/abs/2406.16845", {"BROWSER": "/nonexistent/browser"}, "linux")
    assert not outcome.opened
    assert "$BROWSER" in outcome.how


def test_copy_with_pyperclip_reports_failure(monkeypatch):
    import pyperclip

    def broken(text):
        raise pyperclip.PyperclipException("no clipboard mechanism")

    monkeypatch.setattr(pyperclip, "copy", broken)
    assert copy_with_pyperclip("x") is False


def test_copy_with_pyperclip_success(monkeypatch):
    import pyperclip

    copied = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    assert copy_with_pyperclip("https://arxiv.org/abs/2406.16845") is True
    assert copied == ["https://arxiv.org/abs/2406.16845"]

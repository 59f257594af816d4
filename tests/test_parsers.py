"""The parsers and the loader on small and broken files: clear warnings, nothing lost."""

import os
from pathlib import Path

from papertui.corpus import load_corpus, sniff_format

HF_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 14\n\n"
ABSTRACT = (
    "We propose a method for reasoning with language models. It masks steps of the chain of thought. "
    "It works well on many benchmarks. It shows strong results across tasks, and it is cheap to train. "
    "Real abstracts run to a thousand characters or more; this one is long enough to read as one."
)


def load(*paths):
    return load_corpus(list(paths))


def test_format_is_sniffed_from_content_not_name(write):
    path = write("papers.json", "Title: A Paper About Things\nPDF: https://arxiv.org/pdf/2406.16845\nSummary: " + ABSTRACT + "\n---\n")
    corpus = load(path)
    assert corpus.files[0].format == "title-pdf-summary"
    assert corpus.papers[0].arxiv_id == "2406.16845"


def test_crlf_and_bom(write):
    path = write("a.txt", ("\ufeffAbstract:" + ABSTRACT + "\r\n\r\nAbstract: Second one is here and long enough.\r\n").encode("utf-8"))
    corpus = load(path)
    assert [p.abstract for p in corpus.papers] == [ABSTRACT, "Second one is here and long enough."]
    assert not corpus.warnings


def test_latin1_file_loads_with_a_warning(write):
    path = write("latin.txt", "Abstract: Une étude détaillée des modèles de langage.\n".encode("latin-1"))
    corpus = load(path)
    assert corpus.papers[0].abstract == "Une étude détaillée des modèles de langage."
    assert any("not UTF-8" in w and "latin.txt" in w for w in corpus.warnings)


def test_hf_page_with_odd_paragraph_count_keeps_the_last_title(write):
    path = write("hf.txt", HF_HEADER + "First Title\n\n" + ABSTRACT + "\n\nDangling Title\n")
    corpus = load(path)
    assert [p.title for p in corpus.papers] == ["First Title", "Dangling Title"]
    assert corpus.papers[1].abstract == ""
    assert any("record 2: title with no abstract" in w for w in corpus.warnings)
    assert all(p.listed == "Mar 14" for p in corpus.papers)


def test_hf_page_with_a_missing_abstract_does_not_shift_the_pairs(write):
    text = HF_HEADER + "Title One\n\nTitle Two\n\n" + ABSTRACT + "\n\nTitle Three\n\n" + ABSTRACT.replace("method", "model") + "\n"
    corpus = load(write("hf.txt", text))
    assert [(p.title, bool(p.abstract)) for p in corpus.papers] == [
        ("Title One", False),
        ("Title Two", True),
        ("Title Three", True),
    ]
    assert corpus.files[0].records == 3


def test_hf_page_with_several_dates(write):
    text = HF_HEADER + "Title One\n\n" + ABSTRACT + "\n\nMar 15\n\nTitle Two\n\n" + ABSTRACT + " More.\n"
    corpus = load(write("hf.txt", text))
    assert [p.listed for p in corpus.papers] == ["Mar 14", "Mar 15"]


def test_title_pdf_summary_with_missing_fields(write):
    text = (
        "Title: Only A Title Here\nPDF: https://arxiv.org/pdf/2401.00001\n---\n"
        "PDF: https://arxiv.org/pdf/2401.00002v2\nSummary: " + ABSTRACT + "\n---\n"
        "---\n"  # a lone separator: no record
    )
    corpus = load(write("tps.txt", text))
    assert [(p.title_derived, p.arxiv_id) for p in corpus.papers] == [(False, "2401.00001"), (True, "2401.00002")]
    warnings = " ".join(corpus.warnings)
    assert "record 1: no Summary" in warnings and "record 2: no Title" in warnings


def test_title_pdf_summary_missing_separator_still_splits(write):
    text = "Title: First Paper Title\nSummary: " + ABSTRACT + "\nTitle: Second Paper Title\nSummary: Another abstract that is long enough to count.\n"
    corpus = load(write("tps.txt", text))
    assert [p.title for p in corpus.papers] == ["First Paper Title", "Second Paper Title"]


def test_title_pdf_summary_wrapped_summary_is_joined(write):
    text = "Title: Wrapped\nSummary: first half of the summary\nsecond half of the summary\n---\n"
    corpus = load(write("tps.txt", text))
    assert corpus.papers[0].abstract == "first half of the summary second half of the summary"


def test_non_arxiv_pdf_link_is_kept_as_a_link(write):
    text = "Title: Elsewhere\nPDF: https://example.org/paper.pdf\nSummary: " + ABSTRACT + "\n"
    paper = load(write("tps.txt", text)).papers[0]
    assert paper.arxiv_id is None and paper.links == ("https://example.org/paper.pdf",)


def test_abstract_lines_with_stray_text_and_empty_entries(write):
    text = "Some preamble line\n\nAbstract: " + ABSTRACT + "\nAbstract:\n\n\nAbstract:Last one, no space after the colon.\n"
    corpus = load(write("abs.txt", text))
    assert [p.abstract for p in corpus.papers] == ["Some preamble line", ABSTRACT, "Last one, no space after the colon."]
    warnings = " ".join(corpus.warnings)
    assert "text before the first 'Abstract:'" in warnings and "empty 'Abstract:' line skipped" in warnings


def test_bad_files_warn_and_the_rest_loads(write, tmp_path):
    good = write("dir/good.txt", "Abstract: " + ABSTRACT + "\n")
    write("dir/empty.txt", "")
    write("dir/binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    write("dir/notes.txt", "just some notes\nnothing like a paper\n")
    write("dir/.hidden.txt", "Abstract: hidden files are skipped\n")
    corpus = load(tmp_path / "dir", tmp_path / "missing.txt")
    assert [p.abstract for p in corpus.papers] == [ABSTRACT]
    warnings = corpus.warnings
    assert any("empty.txt: empty file" in w for w in warnings)
    assert any("binary.bin: not a text file" in w for w in warnings)
    assert any("notes.txt: matches no known format" in w for w in warnings)
    assert any("missing.txt: no such file or directory" in w for w in warnings)
    assert str(good) in [s.path for s in corpus.papers[0].sources]


def test_unreadable_file_warns_and_the_rest_loads(write, monkeypatch):
    secret = write("secret.txt", "Abstract: x\n")
    good = write("good.txt", "Abstract: " + ABSTRACT + "\n")
    real_open = os.open

    def refusing_open(path, *args, **kwargs):  # chmod 000 does not stop root, so refuse here
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("os.open", refusing_open)
    corpus = load(secret, good)
    assert [p.abstract for p in corpus.papers] == [ABSTRACT]
    assert any("secret.txt: cannot read: Permission denied" in w for w in corpus.warnings)


def test_directory_symlink_loop_terminates(write, tmp_path):
    write("d/a.txt", "Abstract: " + ABSTRACT + "\n")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    corpus = load(tmp_path / "d")
    assert len(corpus.papers) == 1


def test_a_stray_nul_byte_does_not_make_a_text_file_binary(write):
    corpus = load(write("nul.txt", "Abstract: first\x00 one\n\nAbstract: second one\n"))
    assert [p.abstract for p in corpus.papers] == ["first one", "second one"]


def test_utf16_with_bom_loads_with_a_warning(write):
    corpus = load(write("u16.txt", "Abstract: sixteen bits\n".encode("utf-16")))
    assert [p.abstract for p in corpus.papers] == ["sixteen bits"]
    assert any("utf-16" in w for w in corpus.warnings)


def test_control_characters_never_survive_parsing(write):
    text = "Title: Evil\x1b]52;c;ZXZpbA==\x07 Title\x1b[2J\nPDF: https://arxiv.org/pdf/2401.00001\nSummary: bad\x00 \x9b text \u202e here\n"
    paper = load(write("evil.txt", text)).papers[0]
    assert paper.title == "Evil Title"
    assert paper.abstract == "bad text here"


def test_sniff_returns_none_for_unknown_text():
    assert sniff_format("hello\nworld\n") is None
    assert sniff_format("") is None

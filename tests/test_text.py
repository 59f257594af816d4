from papertui.corpus.text import clean, decode, derive_title, normalise_lines, strip_controls


def test_clean_folds_whitespace_and_strips_controls():
    assert clean("  Masked\t Thought:\n\n Simply  ") == "Masked Thought: Simply"
    assert clean("a\x00b\x07c\x7fd\x9be") == "abcde"


def test_escape_sequences_are_removed_whole():
    hostile = "Title\x1b[2J\x1b]52;c;ZXZpbA==\x07 end \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"
    assert strip_controls(hostile) == "Title end link"


def test_bidi_overrides_are_removed():
    assert clean("abc\u202edcba\u2066x\u2069") == "abcdcbax"


def test_printable_text_is_untouched():
    text = "Café — [ASA+22,GTLV22,ONR+22] [/bold] 中文"
    assert strip_controls(text) == text


def test_decode_utf8_with_bom():
    assert decode("\ufeffTitle: é".encode("utf-8")) == ("Title: é", None)


def test_decode_latin1_warns():
    text, warning = decode("Abstract: café résumé".encode("latin-1"))
    assert text == "Abstract: café résumé"
    assert warning and "not UTF-8" in warning


def test_decode_gbk_warns_and_reads_chinese():
    text, warning = decode("Abstract: 大型语言模型的研究".encode("gbk"))
    assert text == "Abstract: 大型语言模型的研究"
    assert warning and "gb18030" in warning


def test_line_ends_normalised():
    assert normalise_lines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_derived_title_is_short_first_sentence():
    abstract = "We study masked reasoning. It helps a lot."
    assert derive_title(abstract) == "We study masked reasoning"
    long = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen. Next."
    assert derive_title(long) == "One two three four five six seven eight nine ten eleven twelve…"

"""LaTeX in titles, abstracts and author names made readable: accents, symbols and simple math.

arXiv metadata and BibTeX keep the author's LaTeX (`Bal\\'azs`, `$\\alpha$-divergence`,
`{BERT}`). This turns what has a plain-text reading into it and leaves the rest as typed,
so nothing the reader needs is lost.
"""

from __future__ import annotations

import re
import unicodedata

# Accent commands and the combining character each one adds.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
# Letters and symbols written as commands.
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}
_SYMBOLS = {
    **_LETTERS,
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "sim": "~", "approx": "≈", "simeq": "≃", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "infty": "∞",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "leftrightarrow": "↔",
    "ll": "≪", "gg": "≫", "propto": "∝", "partial": "∂", "nabla": "∇", "sum": "Σ", "prod": "Π",
    "int": "∫", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "circ": "∘", "ell": "ℓ", "hbar": "ℏ",
    "langle": "⟨", "rangle": "⟩", "ldots": "…", "cdots": "⋯", "dots": "…", "log": "log",
    "sqrt": "√", "prime": "′", "star": "⋆", "dagger": "†", "degree": "°",
    "textendash": "–", "textemdash": "—", "LaTeX": "LaTeX", "TeX": "TeX",
    "ast": "∗", "|": "‖", "sin": "sin", "cos": "cos", "exp": "exp", "min": "min", "max": "max",
    "lim": "lim", "sup": "sup", "inf": "inf", "det": "det", "arg": "arg", "mid": "|", "vert": "|",
    "&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}",
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "\\": " ", "quad": " ", "qquad": " ",
}
# Math accents over one letter (\hat{x} -> x̂); over more, or alone, they are dropped.
_MATH_ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
    "overline": "\u0305", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308",
}
# Spacing and sizing commands with nothing to show.
_SILENT = frozenset(
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr displaystyle textstyle scriptstyle "
    "mathop limits nolimits underline hat widehat tilde widetilde bar overline vec dot ddot noindent newline linebreak centering small large Large footnotesize".split()
)
# Commands whose argument is shown as it is: \emph{X} -> X.
_WRAPPERS = (
    "emph|textit|textbf|textrm|textsf|texttt|textsc|textup|text|mathrm|mathbf|mathit|mathcal"
    "|mathbb|mathsf|mathtt|mathfrak|boldsymbol|bm|operatorname|mbox|hbox|textnormal|url|em|it|bf"
)

_ACCENT = re.compile(r"\\([`'^\"~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))|\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))")
_WRAPPER = re.compile(rf"\\(?:{_WRAPPERS})\s*\{{([^{{}}]*)\}}")
_FONT_SWITCH = re.compile(r"\{\\(?:em|it|bf|sc|tt|rm|sf)\s+([^{}]*)\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|[&%$_#{},;:! \\|])( ?)")
_MATH_ACCENT = re.compile(rf"\\({'|'.join(_MATH_ACCENTS)})(?:\s*\{{\s*([A-Za-z0-9])\s*\}}|\s+([^\W_])(?![A-Za-z]))")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_CITE = re.compile(r"~?\\cite[tp]?\s*\{([^{}]*)\}")
# A body never holds the next opening: each scan stops there, so `\[ \[ \[ …` with no
# closing is read in linear time instead of trying every opening against the whole rest.
_DISPLAY_MATH = re.compile(r"\\\[((?:(?!\\[\[\]]).)+?)\\\]|\\\(((?:(?!\\[()]).)+?)\\\)", re.DOTALL)
# Math is `$...$` with no space inside either dollar, so "costs $5 and $6" stays as it is.
# The `$` first and the backslash looked at from behind it (as in _BRACES, _EN_DASH): the scan
# jumps between the signs instead of trying the lookbehind at every character.
_MATH = re.compile(r"\$(?<!\\\$)\$?(?!\s)((?:[^$\\]|\\.)+?)(?<!\s)\$\$?")
_SCRIPT_BRACES = re.compile(r"([\^_])\{([^{}]*)\}")
_BRACES = re.compile(r"[{}](?<!\\[{}])")
_DASHES = (("---", "—"), ("``", "“"), ("''", "”"))
# `--` is an en dash (1--5, Bose--Einstein, a -- b), but not where a command-line flag starts (--all).
# The dashes come first and what stands before them is looked at from behind them: the regex
# then jumps from one `--` to the next instead of trying every position (60 µs -> 1 µs).
_EN_DASH = re.compile(r"--(?:(?<=[^-\s]--)(?!-)|(?<=\s--)(?![-A-Za-z])|(?<![\s\S]--)(?![-A-Za-z]))")
# `real' is LaTeX's single quotes; a lone backtick elsewhere stays.
_SINGLE_QUOTES = re.compile(r"`([^`'\n]{1,80})'")


def has_latex(text: str) -> bool:
    """Whether `text` holds anything LaTeX reads: a command, math, a brace, a quote or a dash.
    Seven C scans: a regex alternation is tried at every position, ten times slower."""
    return "\\" in text or "$" in text or "{" in text or "}" in text or "`" in text or "--" in text or "''" in text


def latex_to_text(text: str, tilde_is_space: bool = False) -> str:
    """`text` with its LaTeX read as plain text, in NFC; `text` itself when it has none
    (records.py relies on this: what comes back changed is never normalized again).

    `tilde_is_space`: `~` is LaTeX's unbreakable space (BibTeX); in arXiv abstracts it is
    usually "about", so it stays.
    """
    if not has_latex(text) and not (tilde_is_space and "~" in text):
        return text
    if tilde_is_space:
        text = re.sub(r"(?<!\\)~", " ", text)
    # ASCII LaTeX read without accents holds only ASCII and the symbols of the tables, which
    # are in NFC beside anything (tests/test_fast_records.py): its normalization (a lookup a
    # character, 5 µs an abstract) is saved.
    normal = text.isascii()
    # Each pass runs only when its sign is there: most abstracts have a dash or a dollar at most.
    if "\\" in text:
        text, accents = _ACCENT.subn(_accented, text)
        if "\\cite" in text:
            text = _CITE.sub(r" [\1]", text)
        text, math_accents = _MATH_ACCENT.subn(lambda m: (m.group(2) or m.group(3)) + _MATH_ACCENTS[m.group(1)], text)
        normal = normal and not accents and not math_accents
        if "\\[" in text or "\\(" in text:
            text = _DISPLAY_MATH.sub(lambda m: _math(m.group(1) or m.group(2)), text)
    if "$" in text:
        text = _MATH.sub(lambda m: _math(m.group(1)), text)
    text = _plain(text)
    for sign, char in _DASHES:
        if sign in text:
            text = text.replace(sign, char)
    if "--" in text:
        text = _EN_DASH.sub("–", text)
    if "`" in text:
        text = _SINGLE_QUOTES.sub("‘\\1’", text)
    return text if normal or text.isascii() else unicodedata.normalize("NFC", text)


def _accented(match: re.Match[str]) -> str:
    accent = match.group(1) or match.group(4)
    letter = match.group(2) or match.group(3) or match.group(5) or match.group(6)
    # A dotless i or j under an accent is just the letter: \'{\i} -> í.
    return letter.lstrip("\\") + _ACCENTS[accent]


def _math(body: str) -> str:
    if "{" in body:
        body = _SCRIPT_BRACES.sub(
            lambda m: m.group(1) + m.group(2) if len(m.group(2)) == 1 else f"{m.group(1)}({m.group(2)})", body
        )
    return _plain(body)


def _plain(text: str) -> str:
    if "\\" not in text:
        return _BRACES.sub("", text) if "{" in text or "}" in text else text
    for _ in range(3 if "{" in text else 0):  # nested wrappers, innermost first; each needs a brace
        new = _FONT_SWITCH.sub(r"\1", _WRAPPER.sub(r"\1", text))
        new = _FRAC.sub(_fraction, _SQRT.sub(lambda m: "√" + _grouped(m.group(1)), new))
        if new == text:
            break
        text = new
    text = _COMMAND.sub(_command, text)
    return _BRACES.sub("", text) if "{" in text or "}" in text else text


def _fraction(match: re.Match[str]) -> str:
    return f"{_grouped(match.group(1))}/{_grouped(match.group(2))}"


def _grouped(text: str) -> str:
    """`x` stays `x`; `n+1` becomes `(n+1)`, so `\frac{n+1}{2}` reads (n+1)/2."""
    text = text.strip()
    return text if len(text) <= 1 or re.fullmatch(r"\\?\w+", text) else f"({text})"


def _command(match: re.Match[str]) -> str:
    name = match.group(1)
    space = match.group(2)
    if name in _SILENT:
        return space
    if name in _LETTERS:
        return _LETTERS[name]  # a letter's command eats the space after it: Stra\ss e -> Straße
    shown = _SYMBOLS.get(name, name)  # an unknown command keeps its name: \foo -> foo
    before = match.string[match.start() - 1 : match.start()]
    if shown.isalpha() and shown.isascii() and before.isalnum():
        return " " + shown + space  # n\log n -> n log n
    return shown + space

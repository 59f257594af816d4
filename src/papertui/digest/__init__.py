"""The morning digest: which new papers go in which section, and why (no Textual, no output
format: the renderers are `papertui.export.digest_markdown`, `digest_html`, `digest_text`)."""

from papertui.digest.model import Digest, Entry, Section  # noqa: F401

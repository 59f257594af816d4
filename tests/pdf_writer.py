"""Small real PDFs for the tests: pages of text in Helvetica, written by hand (objects, a
cross-reference table with true offsets), which pdfium opens and extracts text from; and a
decompression bomb, a page whose content stream is small on disk and huge once inflated."""

from __future__ import annotations

import zlib


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_stream(lines: list[str]) -> bytes:
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({_escape(line)}) Tj T*" for line in lines) + " ET"
    return stream.encode("latin-1")


def make_pdf(*pages: list[str] | str) -> bytes:
    """A PDF with one page per argument (a string, or a list of lines)."""
    page_lines = [[page] if isinstance(page, str) else page for page in pages] or [[""]]
    return _assemble([(b"", _text_stream(lines)) for lines in page_lines])


def make_bomb_pdf(inflated: int, fill: bytes = b" ", text: str = "Bomb", pages: int = 1) -> bytes:
    """Pages sharing one FlateDecode content stream that inflates to about `inflated` bytes: a
    line of text, then `fill` repeated (spaces are whitespace to a PDF parser; "q Q" is work
    that keeps nothing). 300 MB of spaces take ~300 KB on disk. Each page inflates it anew."""
    compressor = zlib.compressobj(9)
    chunk = (fill * ((1 << 20) // len(fill) + 1))[: 1 << 20]
    parts = [compressor.compress(_text_stream([text]) + b"\n")]
    parts += [compressor.compress(chunk) for _ in range(max(1, inflated >> 20))]
    parts.append(compressor.flush())
    return _assemble([(b"/Filter /FlateDecode ", b"".join(parts))], [0] * pages)


def _assemble(streams: list[tuple[bytes, bytes]], page_streams: list[int] | None = None) -> bytes:
    """A PDF of content streams (extra dictionary entries, bytes) and pages (which stream
    each shows: by default one page per stream)."""
    page_streams = list(range(len(streams))) if page_streams is None else page_streams
    count = len(page_streams)
    # 1 catalog, 2 page tree, 3 font, then the pages, then the content streams
    kids = " ".join(f"{4 + n} 0 R" for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for stream in page_streams:
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {4 + count + stream} 0 R >>".encode()
        )
    for entries, body in streams:
        objects.append(b"<< " + entries + b"/Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

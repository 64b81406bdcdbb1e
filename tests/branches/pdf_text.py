"""The text a ReportLab PDF shows (no PDF library needed): its page streams decoded, the strings of its Tj
operators read as UCS-2 (the STSong-Light CID font's UniGB-UCS2-H encoding)."""
import base64
import re
import zlib

ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t"}


def _unescape(match) -> bytes:
    code = match.group(1)
    return bytes([int(code, 8)]) if code[:1].isdigit() else ESCAPES.get(code, code)


def pdf_text(pdf: bytes) -> str:
    """All the text shown by the PDF's pages, in drawing order, without spaces between strings."""
    out = []
    for m in re.finditer(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1).strip()
        data = zlib.decompress(base64.a85decode(data[:-2] if data.endswith(b"~>") else data))
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", _unescape, s.group(1), flags=re.S)
            out.append(raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else raw.decode("latin-1"))
    return "".join(out)

"""A web page's bytes -> its text, whatever it says about its own encoding.

Used for pages fetched from a URL and for saved .html files alike. In order:

1. a byte order mark (UTF-8, UTF-16) decides;
2. bytes that are valid UTF-8 (and not plain ASCII) are UTF-8, whatever the
   page declares: a page whose template says iso-8859-1 while its CMS writes
   UTF-8 is common, and Latin-1 text with accents is almost never valid
   UTF-8 by accident;
3. the charset the HTTP header declares, then the one a ``<meta charset>`` or
   ``<meta http-equiv="Content-Type">`` declares, wherever it sits in the
   page (not only in its first 1024 bytes), if the bytes decode in it;
   "iso-8859-1", "latin1" and "ascii" mean windows-1252, as browsers read them;
4. charset_normalizer's guess; among its near-equal guesses, windows-1252
   (the legacy charset of Portuguese, Spanish, French, Italian and English
   pages), which it otherwise often loses to a Central European code page
   that decodes the same bytes with "ă" for "ã";
5. UTF-8 with a replacement character for each bad byte.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""",
    re.IGNORECASE,
)
_WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "ascii", "us-ascii", "iso-8859-1", "latin1", "l1", "cp819", "iso-ir-100"}
WESTERN_CHAOS_MARGIN = 0.1
"""How much more "chaos" (charset_normalizer's measure of mess) windows-1252 may show than the best guess and still be chosen."""
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text (``declared``: the charset of the HTTP Content-Type header, if any)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for candidate in (declared, *_meta_charsets(data)):
        encoding = _codec(candidate)
        if encoding is None or encoding == "utf-8":
            continue  # UTF-8 was tried above
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return _guess(data)


BINARY_SNIFF_BYTES = 8000
"""A NUL byte this early makes content binary (Git's test); a stray one further on
(saved pages have them, in a CMS's date widget) is a control character like the others."""


def looks_binary(data: bytes) -> bool:
    """NUL bytes early on, outside UTF-16 text: an image, a PDF, an archive... not a page."""
    return b"\x00" in data[:BINARY_SNIFF_BYTES] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def charset_of(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header."""
    if not content_type:
        return None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _meta_charsets(data: bytes) -> list[str]:
    return [match.group(1).decode("ascii", "replace") for match in _META_CHARSET.finditer(data, 0, 1 << 20)][:3]


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset name; None for an unknown or non-ASCII-compatible one."""
    if not name:
        return None
    name = name.strip().lower()
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A page whose bytes are not UTF-16 but which says so (a common copy-paste
    # error) is not decoded as UTF-16: no BOM was there.
    return None if codec.startswith(("utf-16", "utf-32")) else codec


def _guess(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[: 1 << 20]))
    if matches:
        best = matches[0]
        western = next((m for m in matches if "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + WESTERN_CHAOS_MARGIN), None)
        for encoding in ("cp1252" if western else None, best.encoding):
            if encoding:
                try:
                    return data.decode(encoding)
                except (UnicodeDecodeError, LookupError):
                    continue
    return data.decode("utf-8", errors="replace")

"""Lexicons in the W3C Pronunciation Lexicon Specification (PLS 1.0), the format of Amazon Polly, Azure and ElevenLabs.

Reading: each ``<lexeme>`` holds one or more ``<grapheme>`` (the words as
written) and an ``<alias>`` (text read instead) or a ``<phoneme>`` in IPA
(``alphabet="ipa"``, on the phoneme or on the ``<lexicon>``). The first
pronunciation wins, unless one says ``prefer="true"``. An IPA phoneme is
handed to Piper as a phoneme block (``[[...]]``, as the TSV lexicon's), its
symbols mapped to those eSpeak NG gives Piper's Portuguese voices
(``data/ipa.tsv``); a symbol with no such equivalent is refused.

The XML is read safely: a file with a DOCTYPE or an entity declaration is
refused before it is parsed (no entity is ever expanded, no DTD or other
file loaded, nothing fetched), and lxml parses the rest with entity
resolution, DTD loading and network access off. Every problem is a
``ConfigError`` naming the file and the line.

Writing (``audio-artigo lexicon export``): a lexicon's entries as PLS, an alias
for spoken text, an IPA phoneme for a ``[[...]]`` block.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from audio_artigo.errors import ConfigError
from audio_artigo.normalize.tables import read_table

NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)")
_PHONEME_BLOCK = re.compile(r"\[\[([^\[\]]*)\]\]")


@cache
def _ipa_table() -> dict[str, str]:
    return {unicodedata.normalize("NFD", ipa): espeak for ipa, espeak in read_table("ipa.tsv", 2)}


@cache
def _ipa_symbol() -> re.Pattern[str]:
    symbols = sorted(_ipa_table(), key=len, reverse=True)  # "w̃" before "w"
    return re.compile("|".join(re.escape(symbol) for symbol in symbols) + r"|\s+|.", re.DOTALL)


def ipa_to_piper(ipa: str) -> str:
    """IPA as the phonemes eSpeak gives Piper's Portuguese voices ("ˈʁatu" -> "ˈxatu"); ValueError naming a symbol it has no equivalent for."""
    out = []
    for symbol in _ipa_symbol().findall(unicodedata.normalize("NFD", ipa.strip())):
        if symbol.isspace():
            out.append(" ")
        elif symbol in _ipa_table():
            out.append(_ipa_table()[symbol])
        else:
            raise ValueError(f"{symbol!r} (U+{ord(symbol):04X})")
    return "".join(out)


def read_pls(path: Path, data: bytes) -> dict[str, str]:
    """The entries of a PLS file (``data``, its bytes): grapheme -> spoken text or ``[[phonemes]]``."""
    from lxml import etree

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: lexicon is not UTF-8 text") from None
    declaration = _DECLARATION.search(text)
    if declaration:
        line = text.count("\n", 0, declaration.start()) + 1
        raise ConfigError(f"{path}:{line}: a DOCTYPE or ENTITY declaration is not allowed in a lexicon (refused: entities could expand without end or read other files)")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg or exc).split())
        raise ConfigError(f"{path}:{exc.lineno or 1}: not well-formed XML ({message})") from None
    if _local(root.tag) != "lexicon":
        raise ConfigError(f"{path}:{root.sourceline}: expected a PLS <lexicon>, found <{_local(root.tag)}>")
    alphabet = root.get("alphabet", "")
    entries: dict[str, str] = {}
    for lexeme in root:
        if not isinstance(lexeme.tag, str) or _local(lexeme.tag) != "lexeme":
            continue  # <meta>, <metadata>
        graphemes = [" ".join((g.text or "").split()) for g in lexeme if _local(g.tag) == "grapheme"]
        if not graphemes or not all(graphemes):
            raise ConfigError(f"{path}:{lexeme.sourceline}: a <lexeme> needs one or more non-empty <grapheme>")
        reading = _reading(path, lexeme, alphabet)
        for grapheme in graphemes:
            entries.setdefault(grapheme, reading)  # the first lexeme for a grapheme wins, as in PLS
    return entries


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _reading(path: Path, lexeme, alphabet: str) -> str:
    pronunciations = [p for p in lexeme if _local(p.tag) in ("alias", "phoneme")]
    if not pronunciations:
        raise ConfigError(f"{path}:{lexeme.sourceline}: a <lexeme> needs an <alias> or a <phoneme>")
    chosen = next((p for p in pronunciations if p.get("prefer") == "true"), pronunciations[0])
    content = " ".join((chosen.text or "").split())
    if not content:
        raise ConfigError(f"{path}:{chosen.sourceline}: empty <{_local(chosen.tag)}>")
    if _local(chosen.tag) == "alias":
        return content
    used = chosen.get("alphabet", alphabet)
    if used.lower() != "ipa":
        raise ConfigError(
            f"{path}:{chosen.sourceline}: phoneme alphabet {used!r} is not supported (use alphabet=\"ipa\" or an <alias>)"
        )
    try:
        return "[[" + ipa_to_piper(content) + "]]"
    except ValueError as exc:
        raise ConfigError(
            f"{path}:{chosen.sourceline}: IPA symbol {exc} has no equivalent in Piper's Portuguese phonemes (see normalize/data/ipa.tsv)"
        ) from None


def write_pls(entries: dict[str, str], language: str = "pt-BR") -> bytes:
    """``entries`` (word -> spoken text or ``[[phonemes]]``) as a PLS 1.0 document; ValueError naming
    a reading that mixes text and phonemes, which PLS cannot hold."""
    from lxml import etree

    root = etree.Element(f"{{{NAMESPACE}}}lexicon", nsmap={None: NAMESPACE})
    root.set("version", "1.0")
    root.set("alphabet", "ipa")
    root.set(_XML_LANG, language)
    for word, reading in entries.items():
        lexeme = etree.SubElement(root, f"{{{NAMESPACE}}}lexeme")
        etree.SubElement(lexeme, f"{{{NAMESPACE}}}grapheme").text = word
        phonemes = _PHONEME_BLOCK.fullmatch(reading.strip())
        if phonemes:
            etree.SubElement(lexeme, f"{{{NAMESPACE}}}phoneme").text = phonemes.group(1).strip()
        elif "[[" in reading:
            raise ValueError(f"the reading of {word!r} mixes text and [[phonemes]], which PLS cannot hold")
        else:
            etree.SubElement(lexeme, f"{{{NAMESPACE}}}alias").text = reading
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

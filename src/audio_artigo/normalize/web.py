"""URLs, e-mail addresses, IP addresses, hashtags and @handles.

"www.ibge.gov.br" -> "dáblio dáblio dáblio ponto i bê gê é ponto gov ponto bê erre";
"imprensa@orgao.gov.br" -> "imprensa arroba orgao ponto gov ponto bê erre";
"#ForaDaCaixa" -> "hashtag Fora Da Caixa"; "@fulano" -> "arroba fulano".
The scheme ("https://") is not read. Each name between dots is read as a
word, except short ones that Portuguese cannot pronounce, which are spelled.
"192.168.1.254" -> "cento e noventa e dois ponto cento e sessenta e oito ponto
um ponto duzentos e cinquenta e quatro" (and "/24" -> "barra vinte e quatro"):
four numbers up to 255, one of them shorter than three digits (else
"192.168.100.200" may be a big number with thousands dots) unless "IP",
"endereço" or "servidor" comes before.
"""

from __future__ import annotations

import re

from audio_artigo.normalize.acronyms import is_listed, pronounceable, read_acronym, spell
from audio_artigo.normalize.cardinals import is_digits, number_words
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.numbers import code

_TLDS = "br|com|org|net|gov|edu|io|ai|info|tv|me|app|dev|int|mil|jus|leg|mp|def|uk|pt|es|fr|de|it|us|cn|jp|ar|co|ly|gl|be|cc|gg|xyz|tech|online|site|blog|news"
_HOST = rf"[a-zA-Z0-9](?:[a-zA-Z0-9-]{{0,62}}\.){{1,6}}(?:{_TLDS})"
_URL = re.compile(
    rf"(?<![\w@./])(?:(?P<scheme>https?://)(?P<host1>[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{0,8}})|(?P<host2>www\.[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{1,8}}|{_HOST}))"
    r"(?![\w@])(?P<path>/[\w\-./%?=&#~+]{0,200})?",
    re.ASCII,
)
_EMAIL = re.compile(r"(?<![\w.@+-])(?P<user>[\w.+-]{1,64})@(?P<host>[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})(?![\w@])")
_SAID_HASHTAG = re.compile(r"(?i:\b(?:hash)?tags?)[ \t\u00a0]+$")
_HASHTAG = re.compile(r"(?<![\w#&])#(?P<tag>[^\W_][\w]{0,100})")
_HANDLE = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z0-9_]{1,30})(?![\w@])")
_IPV4 = re.compile(r"(?<![\w.,])(?P<octets>[0-9]{1,3}(?:\.[0-9]{1,3}){3})(?:/(?P<prefix>[0-9]{1,2}))?(?![\w]|[.,/][0-9])")
_ADDRESS_BEFORE = re.compile(r"\b(?:IPs?|IPv4|endereços?|servidor(?:es)?|host|gateway|roteador|DNS)\b[^.;:!?]{0,20}$", re.IGNORECASE)
_CAMEL = re.compile(r"[A-ZÀ-Ý]?[a-zà-ÿ]+|[A-ZÀ-Ý]+(?![a-zà-ÿ])|[0-9]+")
_SEPARATORS = {".": "ponto", "/": "barra", "-": "hífen", "_": "underline", "?": "interrogação",
               "=": "igual", "&": "e", "#": "cerquilha", "%": "por cento", "~": "til", "+": "mais"}


_ONE_SYLLABLE = re.compile(r"[bcdfghjklmnpqrstvwxz][aeiou][bcdfghjklmnpqrstvwxz]")


def _name(part: str) -> str:
    """One name between separators: a number, a word, or letters spelled."""
    if is_digits(part):
        return number_words(part)
    if any("0" <= c <= "9" for c in part):  # "g1" -> "gê um"
        return " ".join(_name(piece) for piece in re.findall(r"[0-9]+|[^0-9]+", part))
    lower = part.lower()
    if lower == "www":
        return "dáblio dáblio dáblio"
    if lower in ("com", "gov", "org", "net", "edu", "info"):
        return lower
    # short names are read as the acronym lexicon says ("mec"); unlisted, those that
    # Portuguese cannot pronounce are initials ("ibge", "stf", "br") unless they are
    # one syllable ("leg"); longer ones are brands and words, which eSpeak reads well
    # enough ("youtube")
    if len(lower) <= 4 and is_listed(lower.upper()):
        return read_acronym(lower.upper())
    if len(lower) <= 4 and not pronounceable(lower) and not _ONE_SYLLABLE.fullmatch(lower):
        return spell(lower) or lower
    return lower


def _camel_words(name: str) -> str:
    """"ForaDaCaixa2024" -> "Fora Da Caixa dois mil e vinte e quatro"; capitals are acronyms."""
    words = []
    for part in _CAMEL.findall(name):
        if is_digits(part):
            words.append(number_words(part))
        elif len(part) > 1 and part.isupper():
            words.append(read_acronym(part))
        else:
            words.append(part)
    return " ".join(words) or name


def _address(text: str) -> str:
    words = []
    for piece in re.split(r"([./\-_?=&#%~+])", text):
        if not piece:
            continue
        words.append(_SEPARATORS.get(piece) or _name(piece))
    return " ".join(words)


def _apart(text: str, pos: int) -> str:
    """A space before a reading glued to a symbol ("@#tag"), which would otherwise make a new token with it ("@hashtag")."""
    return " " if pos > 0 and text[pos - 1] in "@#" else ""


def _ip_address(text: str, pos: int) -> Hit | None:
    found = _IPV4.match(text, pos)
    if found is None:
        return None
    octets = found.group("octets").split(".")
    if any(int(octet) > 255 for octet in octets):
        return None
    if all(len(octet) == 3 for octet in octets[1:]) and not _ADDRESS_BEFORE.search(text, max(0, pos - 40), pos):
        return None  # "192.168.100.200": thousands dots, as far as anyone can tell
    spoken = " ponto ".join(code(octet) for octet in octets)
    if found.group("prefix"):
        spoken += " barra " + number_words(found.group("prefix"))
    return Hit(found.end(), spoken)


def match(text: str, pos: int) -> Hit | None:
    if "0" <= text[pos] <= "9" and (address := _ip_address(text, pos)):
        return address
    found = _EMAIL.match(text, pos)
    if found:
        return Hit(found.end(), _address(found.group("user")) + " arroba " + _address(found.group("host")))
    found = _URL.match(text, pos)
    if found:
        end = found.end()
        path = found.group("path") or ""
        trimmed = path.rstrip(".,;:!?)/")
        end -= len(path) - len(trimmed)
        host = found.group("host1") or found.group("host2")
        return Hit(end, _address(host + trimmed))
    found = _HASHTAG.match(text, pos)
    if found:
        said = _SAID_HASHTAG.search(text, max(0, pos - 12), pos)  # "a hashtag #ForaDaqui", "a tag #BBB": said once
        return Hit(found.end(), _apart(text, pos) + ("" if said else "hashtag ") + _camel_words(found.group("tag")))
    found = _HANDLE.match(text, pos)
    if found:
        return Hit(found.end(), _apart(text, pos) + "arroba " + _camel_words(found.group("name")))
    return None

"""The scanner that runs the rules over a text, left to right, in one pass.

A cheap regex (the trigger) finds the places where a rule may apply: digits,
capitalised words, a few symbols, lower-case words with a digit ("o3-mini")
or followed by "." "@" ":" "/" (abbreviations, e-mail addresses, URLs,
"jan/24"), and the places a rule asks for
(``Rule.trigger``: "km 32"). At each such place the rules are
tried in priority order (``RULES``); the first that recognises a token there
says how far it goes and how it is spoken, and scanning resumes after it.
Text between tokens is copied as it is, so plain prose passes unchanged.

Every rule matches from a given position with an anchored, bounded regex,
so the time grows linearly with the text, whatever the text is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Protocol


@dataclass(frozen=True)
class Reading:
    """One token the normaliser read: as written, the rule that read it, as spoken, and the rule's doubt if any."""

    token: str
    rule: str
    spoken: str
    doubt: str = ""


@dataclass(frozen=True)
class Hit:
    """What a rule returns: where the token ends and how it is spoken.

    ``doubt`` says why the reading is a guess worth an editor's look ("digit by
    digit", "as a fraction"): the rule fell back on it, for want of a better one.
    """

    end: int
    spoken: str
    doubt: str = ""


class UserLexicon(Protocol):
    """The user lexicon as the scanner sees it (see ``lexicon.py``)."""

    def match(self, text: str, pos: int) -> Hit | None: ...

    def trigger_pattern(self) -> str | None: ...


Matcher = Callable[[str, int], "Hit | None"]


@dataclass(frozen=True)
class Rule:
    """A kind of token: its name, its matcher, and the kinds of character it can start with.

    ``starts`` holds "d" (digit), "u" (capital letter), "l" (other letter),
    "s" (anything else): a rule is only tried where it can match.
    ``trigger`` is a regex of the places, beyond the common ones
    (``_TRIGGER_PARTS``), where the rule may start ("km 32").
    """

    name: str
    match: Matcher
    starts: str = "duls"
    trigger: str | None = None


_ONLY_SPACE_LEFT = re.compile(r"\s*\Z")


def at_end(text: str, pos: int) -> bool:
    """Whether only spaces follow ``pos`` (a final "etc." keeps its dot as the sentence's)."""
    return _ONLY_SPACE_LEFT.match(text, pos) is not None


def _kind(char: str) -> str:
    if "0" <= char <= "9":
        return "d"
    if char.isalpha():
        return "u" if char.isupper() else "l"
    return "s"


# Whitespace controls become a space; other controls, lone surrogates and the
# two non-characters XML forbids are dropped (Piper and the transcript choke on them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE_CONTROL = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")

_UPPER = "A-ZÀ-ÖØ-Þ"
_TRIGGER_PARTS = (
    r"\[\[",
    r"[0-9]",
    r"\((?=[0-9])",
    # a capital starts a token worth a look when the word has another capital, a digit,
    # "$", "&", "-", "@", "/" or a dot (IA, G20, R$, P&G, Llama-3, Sr., Fev/24), stands
    # alone (Pedro I) or comes before a number (Km 32)
    rf"(?<!\w)[{_UPPER}](?=\w*[{_UPPER}0-9$&.@/-]|(?!\w)|\w*[ \t][0-9])",
    r"[$€£¥&%#@§°ºª½¼¾⅓⅔⅛+±×~≈<>≥≤*=]",
    r"(?<![\w.])[-−–](?=[0-9])",
    # a lower-case word with a digit or followed by one of these: "o3", "etc.", "e-mail@",
    # "https:", "1º", "jan/24", "s/n"
    r"(?<!\w)[a-zß-öø-ÿ]\w*[.@:º°/0-9]",
)


@lru_cache(maxsize=32)  # one per user lexicon in use
def _compile_trigger(extras: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(extras + _TRIGGER_PARTS))


_MAX_PASSES = 4


def clean(text: str) -> str:
    """The text without control characters (whitespace controls become spaces)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _WHITESPACE_CONTROL.sub(" ", text))


def scan(text: str, rules: list[Rule], lexicon: UserLexicon | None = None) -> tuple[str, list[Reading]]:
    """Run ``rules`` over ``text`` until it no longer changes: the spoken text and the readings.

    One pass nearly always suffices; the next pass finds nothing to read and
    proves it. A token glued to another ("½5", "@PedroV") can become readable
    once its neighbour has been read, so a few passes are allowed: the result
    is then a fixed point, which makes ``normalize`` idempotent by construction.
    """
    if lexicon is not None:
        rules = [Rule("lexicon", lexicon.match, trigger=lexicon.trigger_pattern())] + rules
    trigger = _compile_trigger(tuple(rule.trigger for rule in rules if rule.trigger))
    text = clean(text)
    readings: list[Reading] = []
    by_kind = {kind: [rule for rule in rules if kind in rule.starts] for kind in "duls"}
    for _ in range(_MAX_PASSES):
        spoken, found = _one_pass(text, by_kind, trigger)
        if spoken == text:
            break
        readings += found
        text = spoken
    return text, readings


def _one_pass(text: str, by_kind: dict[str, list[Rule]], trigger: re.Pattern[str]) -> tuple[str, list[Reading]]:
    out: list[str] = []
    readings: list[Reading] = []
    done = 0  # text[:done] has been copied or spoken
    search_from = 0
    while True:
        found = trigger.search(text, search_from)
        if found is None:
            break
        pos = found.start()
        hit = None
        for rule in by_kind[_kind(text[pos])]:
            hit = rule.match(text, pos)
            if hit is not None and hit.end > pos:
                break
            hit = None
        if hit is None:
            search_from = max(found.end(), pos + 1)
            continue
        out.append(text[done:pos])
        out.append(hit.spoken)
        if hit.spoken != text[pos : hit.end]:
            readings.append(Reading(text[pos : hit.end], rule.name, hit.spoken, hit.doubt))
        done = search_from = hit.end
    out.append(text[done:])
    return "".join(out), readings

"""The show's text templates: the spoken intro and outro, and the correction note.

A template is text with placeholders in braces ("Você está ouvindo {show}.");
"{{" and "}}" are literal braces. Placeholders are checked when podcast.toml is
read (an unknown one is a ConfigError) and filled for each episode. A sentence
of a template that needs a value this article lacks (no author in a .txt file,
no site name) is left out, so what remains still reads as whole sentences.
"""

from __future__ import annotations

import re
import string

FRAME_PLACEHOLDERS = ("show", "title", "author", "authors", "date", "site")
"""What the spoken intro and outro may name; {author} and {authors} are the same value."""
NOTE_PLACEHOLDERS = ("date", "time")
"""What the correction note may name: when the correction was published."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_FORMATTER = string.Formatter()


def problem(template: str, allowed: tuple[str, ...]) -> str | None:
    """What is wrong with ``template`` (an unknown or malformed placeholder), or None."""
    known = ", ".join("{" + name + "}" for name in allowed)
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return f"{exc} (a literal brace is written twice: {{{{ or }}}})"
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in allowed:
            if not field:
                return f"an empty placeholder {{}} (known: {known})"
            return f"unknown placeholder {{{field}}} (known: {known})"
        if spec or conversion:
            return f"placeholder {{{field}}} takes no format (known: {known})"
    return None


def fill(template: str, values: dict[str, str | None]) -> str:
    """``template`` with its placeholders replaced, without the sentences whose values are missing.

    A value that ends a sentence itself ("Chove?") takes the place of the
    template's full stop after it ("{title}.").
    """
    kept = []
    for sentence in _SENTENCE_END.split(template.strip()):
        parts = list(_FORMATTER.parse(sentence))
        if any(field is not None and not (values.get(field) or "").strip() for _, field, _, _ in parts):
            continue
        text = ""
        for literal, field, _spec, _conversion in parts:
            if literal.startswith(".") and text.endswith((".", "!", "?", "…")):
                literal = literal[1:]
            text += literal
            if field is not None:
                text += " ".join(values[field].split())
        if text.strip():
            kept.append(text.strip())
    return " ".join(kept)


def uses(template: str, *names: str) -> bool:
    """Whether ``template`` names any of the placeholders ``names`` (it is valid)."""
    return any(field in names for _, field, _, _ in _FORMATTER.parse(template))

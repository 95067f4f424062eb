"""The rules in the order they are tried at each place of the text.

Longer, more specific tokens come first: "R$ 1,50" must be read as money
before "1,50" is read as a number, "14h30" as a time before "14" as a number.
"""

from __future__ import annotations

from audio_artigo.normalize import numbers
from audio_artigo.normalize.engine import Rule

RULES: list[Rule] = [
    Rule("number", numbers.match),
]

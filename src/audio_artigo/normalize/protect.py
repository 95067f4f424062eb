"""Piper phoneme blocks "[[ ... ]]" (from a user lexicon) pass through untouched."""

from __future__ import annotations

import re

from audio_artigo.normalize.engine import Hit

_PHONEMES = re.compile(r"\[\[[^\[\]]{0,1000}\]\]")


def match(text: str, pos: int) -> Hit | None:
    found = _PHONEMES.match(text, pos)
    return Hit(found.end(), found.group()) if found else None

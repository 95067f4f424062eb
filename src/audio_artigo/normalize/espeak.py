"""What Piper's voices hear: text as eSpeak NG's pt-br phonemes, through Piper's own phonemiser.

Piper turns the text it is given into phonemes with the eSpeak NG it bundles
(``piper.phonemize_espeak``), so a reading is right when those phonemes are.
The pronunciation review shows them, and the tests compare readings by them.
Imported only where it is used: loading eSpeak takes a few milliseconds.
"""

from __future__ import annotations

import threading
from functools import cache

VOICE = "pt-br"
_lock = threading.Lock()


@cache
def _phonemizer():
    from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

    return EspeakPhonemizer(ESPEAK_DATA_DIR)


def phonemes(text: str) -> str:
    """The phonemes Piper would give a pt-BR voice for ``text``, sentences joined by spaces."""
    with _lock:  # eSpeak NG is one global engine
        sentences = _phonemizer().phonemize(VOICE, text)
    return " ".join("".join(sentence) for sentence in sentences).strip()

"""eSpeak NG as a speech engine (the draft/fallback when no Piper voice can be had).

libespeak-ng and its data come from the espeakng-loader wheel, so nothing is
needed from the system. No Python binding exposes eSpeak's audio callback, so
the few calls used are declared here with ctypes.
"""

from __future__ import annotations

import ctypes
import re
import threading
from pathlib import Path

import numpy as np

from audio_artigo.errors import SynthesisError
from audio_artigo.synthesis.voice import VoiceSpec

SAMPLE_RATE = 22050
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _PITCH = 1, 3
_PIPER_PHONEMES = re.compile(r"\[\[.*?\]\]")

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()  # libespeak-ng keeps global state
_library = None
_chunks: list[np.ndarray] = []


@_CALLBACK
def _collect(samples, count, _events):
    if count > 0:
        _chunks.append(np.ctypeslib.as_array(samples, shape=(count,)).copy())
    return 0


def _load():
    global _library
    if _library is None:
        import espeakng_loader

        library = ctypes.CDLL(espeakng_loader.get_library_path())
        library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        library.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0)
        if rate != SAMPLE_RATE:
            raise SynthesisError(f"eSpeak NG could not start (it answered {rate})")
        library.espeak_SetSynthCallback(_collect)
        _library = library
    return _library


class EspeakEngine:
    """Speaks text with the eSpeak NG voice and settings of a VoiceSpec; float32 at 22050 Hz."""

    sample_rate = SAMPLE_RATE

    def __init__(self):
        with _lock:
            _load()

    def speak(self, text: str, spec: VoiceSpec) -> np.ndarray:
        # Piper phoneme blocks from a user lexicon mean nothing to eSpeak.
        data = _PIPER_PHONEMES.sub(" ", text).encode("utf-8")
        with _lock:
            library = _load()
            if library.espeak_SetVoiceByName(spec.espeak_voice.encode()) != 0:
                raise SynthesisError(f"eSpeak NG has no voice {spec.espeak_voice!r}")
            library.espeak_SetParameter(_RATE, round(spec.espeak_rate * spec.speed), 0)
            library.espeak_SetParameter(_PITCH, spec.espeak_pitch, 0)
            _chunks.clear()
            if library.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None) != 0:
                raise SynthesisError("eSpeak NG failed to speak a sentence")
            audio = np.concatenate(_chunks) if _chunks else np.zeros(0, dtype=np.int16)
            _chunks.clear()
        return audio.astype(np.float32) / 32768.0

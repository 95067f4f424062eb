"""Speech synthesis: engines (Piper, eSpeak NG), the clip cache and the worker pool."""

from audio_artigo.synthesis.voice import VoiceSpec

__all__ = ["VoiceSpec"]

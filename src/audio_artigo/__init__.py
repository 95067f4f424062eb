"""audio-artigo: a Brazilian Portuguese news article becomes a podcast episode."""

__version__ = "0.1.0"

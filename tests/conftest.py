"""Shared test fixtures: paths to the tiny voices and the example articles."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TINY_VOICES = DATA / "voices"
TINY_VOICE = TINY_VOICES / "pt_BR-tiny-x_low.onnx"
TINY_MULTI_VOICE = TINY_VOICES / "pt_BR-tinymulti-x_low.onnx"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def tiny_voice() -> Path:
    """Single-speaker tiny Piper voice (.onnx; its config is beside it)."""
    assert TINY_VOICE.exists(), "run tools/make_tiny_voice.py"
    return TINY_VOICE


@pytest.fixture
def tiny_multi_voice() -> Path:
    """Two-speaker tiny Piper voice."""
    assert TINY_MULTI_VOICE.exists(), "run tools/make_tiny_voice.py"
    return TINY_MULTI_VOICE


@pytest.fixture
def shared() -> Path:
    """../shared (bench voices, shared articles); skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED

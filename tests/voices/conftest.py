"""Fixtures for the voices tests: a local voices repository and an empty voices folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from voice_repository import VoiceRepository, serve


@pytest.fixture
def repository(tmp_path: Path):
    """An empty voices repository served on 127.0.0.1 (add voices with ``add_voice``)."""
    root = tmp_path / "repository"
    root.mkdir()
    repository, server = serve(root)
    yield repository
    server.shutdown()
    server.server_close()


@pytest.fixture
def tiny_repository(repository: VoiceRepository, tiny_voice: Path, tiny_multi_voice: Path) -> VoiceRepository:
    """The repository with both tiny voices in it."""
    repository.add_voice(tiny_voice)
    repository.add_voice(tiny_multi_voice)
    return repository


@pytest.fixture
def voices_folder(tmp_path: Path, monkeypatch) -> Path:
    """An empty voices folder, also set as $AUDIO_ARTIGO_VOICES_DIR."""
    folder = tmp_path / "voices"
    monkeypatch.setenv("AUDIO_ARTIGO_VOICES_DIR", str(folder))
    monkeypatch.delenv("AUDIO_ARTIGO_VOICES_URL", raising=False)
    return folder

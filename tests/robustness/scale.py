"""How many cases the robustness tests run: a few in CI, many more under ``make stress``.

``python -m tests.stress`` sets AUDIO_ARTIGO_STRESS=1 before the tests are
collected; each test takes its count from :func:`scaled`, and reports the
cases it really ran with pytest's ``record_property`` (see tests/stress.py).
"""

from __future__ import annotations

import os

STRESS = os.environ.get("AUDIO_ARTIGO_STRESS") == "1"


def scaled(ci: int, stress: int) -> int:
    """``stress`` under ``make stress``, else ``ci``."""
    return stress if STRESS else ci

"""The published folder that the crash, disk and concurrency tests start from (copies of it)."""

from __future__ import annotations

import pytest

from .builds import ARTICLES, Site, run


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Site:
    """A folder where "chuva" is published; the articles of every scenario are in place."""
    site = Site(tmp_path_factory.mktemp("published") / "site")
    outcome = run(site, site.build_args(site.article("chuva")))
    assert outcome.returncode == 0, outcome.describe()
    for name in ("obras", "feira", "vacina"):
        site.article(name)
    site.article("corrigido/chuva", ARTICLES["chuva"].replace("pediu", "pediu muito"))  # a correction: same file name
    return site

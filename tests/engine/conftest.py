"""The engine's tests need no Django (``make boundary`` runs them with ``-p no:django``).

The golden comparisons on the two largest pabulib files, where pabutools itself needs 10–40 seconds, are marked
``slow``: ``make test`` and CI run them, ``make test-fast`` leaves them out.
"""

from __future__ import annotations

import pytest

#: Files on which pabutools (or Comity's exhaustive checks against it) take tens of seconds per test.
SLOW_FILES = ("Poland_Warszawa_2026", "Poland_Warszawa_2021_Bemowo")
#: Tests slow whatever their parameters.
SLOW_TESTS = {
    "test_every_rule_funds_what_pabutools_funds_on_the_file",
    "test_add1_without_completion_matches_pabutools_on_assen",
    "test_add1_on_warszawa_2026",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in SLOW_TESTS or any(slow in item.nodeid for slow in SLOW_FILES):
            item.add_marker(pytest.mark.slow)

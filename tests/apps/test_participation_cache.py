"""The consultation report's participation figures read the whole registry once, then come from the cache until a
vote, a status change or an audited write of the community."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comity.consultations import services
from comity.consultations.report.participation import participation_stats

from ..cast import World
from .consultations import make_consultation


def _reads_people(consultation: Any) -> tuple[Any, bool]:
    with CaptureQueriesContext(connection) as queries:
        stats = participation_stats(consultation)
    return stats, any('FROM "structure_person"' in q["sql"] for q in queries.captured_queries)


def test_participation_is_cached_until_someone_votes(world: World) -> None:
    consultation = make_consultation(world)
    statement = consultation.statements.order_by("number").first()
    services.cast_vote(world.user("resident"), statement, 1)
    first, read = _reads_people(consultation)
    assert read
    assert first.voters_in_registry == 1
    again, read = _reads_people(consultation)
    assert not read
    assert again == first
    services.cast_vote(world.user("owner"), statement, -1)
    after, read = _reads_people(consultation)
    assert read
    assert after.voters_in_registry == 2

"""The demo's time bank: a year of verified hours whose ledger verifies, the cap's excess in the pool, a roll of
honour whose stars are awarded, a redemption, hours waiting in the queue; and it deletes cleanly."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from comity.demo.volunteers import delete_demo_volunteers, fill_time_bank
from comity.volunteers.computing import check_ledger
from comity.volunteers.models import Account, AccountKind, ClaimStatus, HoursClaim, LedgerEntry, Redemption
from comity.volunteers.selectors.mine import awarded_roll, roll_lines

from ..cast import World
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_demo_time_bank(world: World) -> None:
    year = timezone.localdate().year
    for index in range(6):
        PersonFactory(
            community=world.harmony, full_name=f"Volunteer {index}", birth_year=year - 50 - index * 5
        )
    counts: dict[str, Any] = fill_time_bank(
        world.harmony, world.user("committee_staff"), seed=7, today=timezone.localdate()
    )
    assert counts["volunteer_hours"] > 100
    assert check_ledger(world.harmony).ok
    assert Account.objects.get(community=world.harmony, kind=AccountKind.POOL).balance > 0
    roll = awarded_roll(world.harmony)
    assert roll is not None
    assert max(line.stars for line in roll_lines(roll)) >= 1
    assert HoursClaim.objects.filter(status=ClaimStatus.CLAIMED).count() == 3
    assert Redemption.objects.count() == counts["time_bank_redemptions"] == 1
    delete_demo_volunteers(world.street)
    assert not LedgerEntry.objects.exists()
    assert not HoursClaim.objects.exists()

"""Forms that fit a person (issue 13, point 17): the assisted-entry form speaks to the staff member filling it;
the workbench card opens as a whole; the workbench filters "waiting for me to sign", "I lead" and "I help"."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from comity.appeals import services
from comity.appeals.models import Appeal, DispatchRole
from comity.appeals.timeline import open_dispatch
from comity.structure.models import MatterCategory

from ..cast import World


def _appeal(world: World, code: str = "facilities.lifts") -> Appeal:
    return services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code=code),
        description=f"About {code}",
        unit=world.unit,
    )


def test_the_assisted_form_speaks_to_staff_about_the_resident(world: World, client_for: Any) -> None:
    url = reverse("appeals:new", args=[world.harmony.pk]) + "?for=resident"
    html = client_for("grid_worker").get(url).content.decode()
    for words in (
        "What the resident reports, and where exactly",
        "Write down what the resident tells you",
        "The resident&#x27;s home, if it is in the register",
        "Resident&#x27;s phone",
        "How the resident agreed",
        "Record the appeal",
    ):
        assert words in html, words
    for words in ("Tell us what you need", "What happened, and where exactly?", "Send the appeal", "My home"):
        assert words not in html, words
    assert f'href="{reverse("appeals:queue", args=[world.harmony.pk])}">Cancel' in html
    mine = client_for("resident").get(reverse("appeals:new", args=[world.harmony.pk])).content.decode()
    assert "What happened, and where exactly?" in mine
    assert "Send the appeal" in mine


def test_a_workbench_card_is_one_link_covering_the_card(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    html = (
        client_for("enterprise_staff").get(reverse("appeals:queue", args=[world.harmony.pk])).content.decode()
    )
    card = re.search(
        r'<li class="card appeal-card appeal-card--whole[^"]*" data-appeal="[^"]+">(.*?)</li>', html, re.S
    )
    assert card is not None
    links = re.findall(r'<a class="appeal-card__cover" href="([^"]+)">(.*?)</a>', card.group(1), re.S)
    assert links == [
        (
            reverse("appeals:detail", args=[world.harmony.pk, appeal.pk]),
            f'<span class="appeal-card__number">{appeal.number}</span> <strong>Lifts</strong>',
        )
    ]


def test_the_workbench_filters_what_waits_for_me_what_i_lead_and_what_i_help_with(
    world: World, client_for: Any
) -> None:
    to_sign = _appeal(world)
    signed = _appeal(world)
    services.sign_for(world.user("enterprise_staff"), signed)
    elsewhere = _appeal(world, "noise.renovation")  # the committee keeps it (no matrix row)
    helping = _appeal(world, "noise.renovation")
    open_dispatch(helping, world.property_company, role=DispatchRole.CO_HANDLER, at=timezone.now())
    url = reverse("appeals:queue", args=[world.harmony.pk])
    client = client_for("enterprise_staff")

    def shown(mine: str) -> set[str]:
        # From the page itself: a part served from the cache leaves no context behind.
        return set(re.findall(r'data-appeal="([^"]+)"', client.get(url, {"mine": mine}).content.decode()))

    assert shown("to_sign") == {to_sign.number}
    assert shown("lead") == {to_sign.number, signed.number}
    assert shown("help") == {helping.number}
    assert elsewhere.number not in shown("lead")
    html = client.get(url).content.decode()
    assert "Waiting for me to sign" in html
    assert "I help" in html
    # Someone who acts for no subject is not offered the filter.
    assert "Waiting for me to sign" not in client_for("grid_worker").get(url).content.decode()

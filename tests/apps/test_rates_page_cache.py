"""The rates dashboard caches its rendered figures beside the report: a second view draws nothing again, and a new
appeal shows at once (the key holds the street's rates version)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from comity.appeals import services
from comity.appeals.rates import report
from comity.structure.models import MatterCategory

from ..cast import World


def _submit(world: World, text: str) -> None:
    services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description=text,
        unit=world.unit,
    )


def _figures(page: str) -> str:
    """The page without its per-request parts (the masked CSRF token): from the first card to the end of main."""
    return page[page.index('class="stat') : page.index("</main>")]


def test_the_rendered_figures_are_cached_until_an_appeal_changes(
    world: World, client_for: Any, monkeypatch: Any
) -> None:
    _submit(world, "The lift is stuck.")
    calls: list[object] = []
    real = report.figures

    def counting(card: Any) -> Any:
        calls.append(card)
        return real(card)

    monkeypatch.setattr(report, "figures", counting)
    client = client_for("committee_staff")
    url = reverse("appeal_rates:community", args=[world.harmony.pk])
    first = client.get(url).content.decode()
    assert calls
    calls.clear()
    assert _figures(client.get(url).content.decode()) == _figures(first)
    assert calls == []
    _submit(world, "The lift is stuck again.")
    second = client.get(url).content.decode()
    assert calls
    assert _figures(second) != _figures(first)

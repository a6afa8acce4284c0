"""The appeals' pages cached in parts (``structure.fragments`` and the street's own key): each shows a change made
through the services right after it, and viewers who must see different things do."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from comity.appeals import selectors, services
from comity.appeals.following import services as following
from comity.appeals.models import Appeal
from comity.structure.models import MatterCategory

from ..cast import World


def _submit(world: World, description: str, *, user: str = "resident", **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": MatterCategory.objects.get(code="facilities.lifts"),
        "description": description,
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user(user), world.harmony, **options)


def _as(client_for: Any, role: str, url: str) -> str:
    return _get(client_for(role), url)


def _get(client: Any, url: str) -> str:
    """The page as ``client`` sees it: a role's name signs that member of the cast in (the fixture's one client)."""
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _queue(world: World) -> str:
    return reverse("appeals:queue", args=[world.harmony.pk])


def _case(world: World, appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])


# --- the workbench ----------------------------------------------------------------------------------------------


def test_the_workbench_is_cached_and_shows_a_new_appeal_and_a_step_at_once(
    world: World, client_for: Any
) -> None:
    first = _submit(world, "The lift of building one is stuck.")
    staff = client_for("committee_staff")
    html = _get(staff, _queue(world))
    assert "The lift of building one is stuck." in html
    # A write around the services is not seen: the part is served from the cache.
    Appeal.objects.filter(pk=first.pk).update(description="Changed behind the services' back.")
    assert "Changed behind the services" not in _get(staff, _queue(world))
    second = _submit(world, "Water leaks in the stairwell.", is_public=True)
    html = _get(staff, _queue(world))
    assert "Water leaks in the stairwell." in html
    assert f'data-appeal="{second.number}"' in html
    following.say_me_too(world.user("owner"), second)
    html = _get(staff, _queue(world))
    card = html.split(f'data-appeal="{second.number}"', 1)[1].split("</li>", 1)[0]
    assert "data-me-too" in card


def test_the_workbench_differs_between_viewers_and_filters(world: World, client_for: Any) -> None:
    mine = _submit(world, "Handled by the company.")
    grid = _get(client_for("grid_worker"), _queue(world))
    assert f'data-appeal="{mine.number}"' in grid
    html = _get(client_for("enterprise_staff"), _queue(world))
    theirs = (
        selectors.visible_appeals(world.user("enterprise_staff"), world.harmony).filter(pk=mine.pk).exists()
    )
    assert ("Handled by the company." in html) == theirs
    # a filter is its own part; a query that does not validate is answered (uncached) with its error
    closed = _get(client_for("grid_worker"), _queue(world) + "?status=closed")
    assert f'data-appeal="{mine.number}"' not in closed
    invalid = _get(client_for("grid_worker"), _queue(world) + "?status=nonsense&unknown=1")
    assert "nonsense" in invalid or "Select a valid choice" in invalid
    # other parameters are neither echoed nor kept in the page's links
    paged = _get(client_for("grid_worker"), _queue(world) + "?q=Handled&stray=evil")
    kept = re.search(r'name="query" value="([^"]*)"', paged)
    assert kept is not None
    assert kept.group(1) == "q=Handled"


# --- the case page ----------------------------------------------------------------------------------------------


def test_the_case_page_shows_each_step_at_once_even_the_unaudited_warning(
    world: World, client_for: Any
) -> None:
    appeal = _submit(world, "The lift is stuck again.")
    url = _case(world, appeal)
    assert "Technician booked" not in _as(client_for, "committee_staff", url)
    _as(client_for, "resident", url)
    services.note(world.user("committee_staff"), appeal, text="Technician booked.")
    assert "Technician booked." in _as(client_for, "committee_staff", url)
    # an internal note is for the staff: the requester's own page never shows it
    assert "Technician booked." not in _as(client_for, "resident", url)
    warned = "The deadline is near: the handler was warned."
    assert warned not in _as(client_for, "committee_staff", url)
    assert services.remind_before_deadline(Appeal.objects.get(pk=appeal.pk), now=timezone.now()) is not None
    assert warned in _as(client_for, "committee_staff", url)


def test_the_case_page_is_each_viewers_own(world: World, client_for: Any) -> None:
    appeal = _submit(world, "Broken door.")
    resident_html = _get(client_for("resident"), _case(world, appeal))
    staff_html = _get(client_for("committee_staff"), _case(world, appeal))
    assert "Withdraw my appeal" in resident_html
    assert "Withdraw my appeal" not in staff_html
    assert "Add an internal note" in staff_html
    assert "Add an internal note" not in resident_html


# --- my appeals, public appeals ---------------------------------------------------------------------------------


def test_my_appeals_show_a_new_appeal_at_once_and_only_to_its_requester(
    world: World, client_for: Any
) -> None:
    url = reverse("appeals:mine", args=[world.harmony.pk])
    _as(client_for, "resident", url)
    _as(client_for, "owner", url)
    _submit(world, "A light is out in the hall.")
    assert "A light is out in the hall." in _as(client_for, "resident", url)
    assert "A light is out in the hall." not in _as(client_for, "owner", url)


def test_public_appeals_show_a_new_appeal_and_a_me_too_at_once(world: World, client_for: Any) -> None:
    url = reverse("appeals:public", args=[world.harmony.pk])
    owner = client_for("owner")
    assert "The gate is broken." not in _get(owner, url)
    appeal = _submit(world, "The gate is broken.", unit=None, area=world.stairwell, is_public=True)
    html = _get(owner, url)
    assert "The gate is broken." in html
    assert "data-engaged" not in html
    following.say_me_too(world.user("owner"), appeal)
    assert "Affects 1 more resident" in _get(client_for("resident"), url)


# --- the street's queue -----------------------------------------------------------------------------------------


def test_the_street_queue_shows_an_escalation_at_once(world: World, client_for: Any) -> None:
    url = reverse("appeals:street_queue", args=[world.street.pk])
    official = client_for("street_official")
    appeal = _submit(world, "Nobody came for the lift.")
    assert f'data-appeal="{appeal.number}"' not in _get(official, url)
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(due_at=now - timedelta(hours=1))
    # a write around the services (no save) is not seen: the page is served from the cache…
    assert f'data-appeal="{appeal.number}"' not in _get(official, url)
    # …and the escalation (a save of the appeal) is seen at once
    assert services.escalate_overdue(Appeal.objects.get(pk=appeal.pk), now=now) is not None
    html = _get(official, url)
    assert f'data-appeal="{appeal.number}"' in html
    filtered = _get(official, url + "?reason=escalated&stray=1")
    assert filtered.count(f'data-appeal="{appeal.number}"') == 1
    counts = filtered.split('class="street-counts"', 1)[1].split("</nav>", 1)[0]
    assert "stray" not in counts


def test_a_cached_case_page_is_still_refused_to_who_takes_no_part(world: World, client_for: Any) -> None:
    appeal = _submit(world, "My own matter.")
    url = _case(world, appeal)
    assert "My own matter." in _as(client_for, "resident", url)
    assert client_for("owner").get(url).status_code == 403
    assert client_for("other_resident").get(url).status_code in {403, 404}

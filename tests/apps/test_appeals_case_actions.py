"""The staff step forms of the case page (issue 13): they post to the case page itself, so a form shown again with
an error stays at the case's address, with the error on its field and what was typed kept; a step a known fact
already refuses is not offered."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from comity.appeals import services
from comity.appeals.models import Appeal, AppealEvent
from comity.structure.models import MatterCategory, SubjectKind

from ..cast import World
from ..factories import MembershipFactory, PersonFactory, SubjectFactory, UserFactory


def _appeal(world: World) -> Appeal:
    return services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )


def _detail(world: World, appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])


def _actions(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="action" value="([a-z_]+)">', html)


def test_every_step_form_posts_to_the_case_page_itself(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    html = client_for("committee_staff").get(_detail(world, appeal)).content.decode()
    targets = set(re.findall(r'<form method="post" action="([^"]+)"', html)) - {
        "/accounts/logout/",
        "/i18n/setlang/",
    }
    assert targets == {_detail(world, appeal)}
    assert "/do/" not in html


def test_a_step_with_an_error_comes_back_on_the_case_page_with_its_field_and_text(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    services.sign_for(world.user("enterprise_staff"), appeal)
    events = AppealEvent.objects.count()
    typed = "We came. " * 500  # longer than a reply may be
    response = client_for("enterprise_staff").post(
        _detail(world, appeal), {"action": "reply", "reply-text": typed}
    )
    assert response.status_code == 400
    assert response.wsgi_request.path == _detail(world, appeal)
    assert "appeals/detail.html" in [template.name for template in response.templates]
    form = next(a["form"] for a in response.context["actions"] if a["name"] == "reply")
    assert list(form.errors) == ["text"]
    assert form["text"].value() == typed
    html = response.content.decode()
    assert re.search(r"<details class=\"card step\" open>\s*<summary>Reply</summary>", html)
    assert AppealEvent.objects.count() == events
    appeal.refresh_from_db()
    assert appeal.status == "signed_for"


def test_a_refused_step_without_a_form_returns_to_the_case_page_with_the_reason(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    client = client_for("committee_staff")
    response = client.post(_detail(world, appeal), {"action": "close"})
    assert response.status_code == 302
    assert response["Location"] == _detail(world, appeal)
    assert "This cannot be done while the appeal is" in client.get(response["Location"]).content.decode()


def test_an_unknown_step_is_not_found(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    assert (
        client_for("committee_staff").post(_detail(world, appeal), {"action": "explode"}).status_code == 404
    )


def test_the_committee_is_not_offered_a_decision_only_the_street_may_take(
    world: World, client_for: Any
) -> None:
    department = SubjectFactory(
        community=None, street=world.street, kind=SubjectKind.GOVERNMENT_DEPARTMENT, name="City Management"
    )
    dana = UserFactory(username="dana")
    PersonFactory(user=dana, community=world.harmony, full_name="Dana", is_resident=False)
    MembershipFactory(subject=department, person=dana.person, role="staff")
    appeal = _appeal(world)
    services.redispatch(
        world.user("street_official"), appeal, lead_subject=department, reason="Street matter"
    )
    services.dispute(dana, appeal, reason="Not ours")
    committee = _actions(client_for("committee_staff").get(_detail(world, appeal)).content.decode())
    street = _actions(client_for("street_official").get(_detail(world, appeal)).content.decode())
    assert "reject_dispute" not in committee
    assert "redispatch" not in committee
    assert {"reject_dispute", "redispatch"} <= set(street)


def test_reopening_is_not_offered_once_its_window_is_over(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    services.sign_for(world.user("enterprise_staff"), appeal)
    services.reply(world.user("enterprise_staff"), appeal, text="Fixed.")
    client = client_for("resident")
    assert "reopen" in _actions(client.get(_detail(world, appeal)).content.decode())
    # The reply was sent 16 days ago; the community's window is 15 days.
    Appeal.objects.filter(pk=appeal.pk).update(replied_at=timezone.now() - timedelta(days=16))
    assert "reopen" not in _actions(client.get(_detail(world, appeal)).content.decode())
    assert Appeal.objects.get(pk=appeal.pk).status == "replied"

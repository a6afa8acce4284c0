"""The appeal settings pages: the calendar, weights, time limits and reply templates a committee sets, what they
change for the next appeal, every invalid input, and the permission matrix of every page × every member of the
cast. Denied and invalid writes change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from comity.appeals import services
from comity.appeals.models import Appeal, AppealSettings, ReplyTemplate, TimeLimitPolicy
from comity.audit.models import AuditEntry
from comity.structure.models import MatterCategory

from ..cast import World
from ..conftest import CAST
from ..factories import ResponsibilityFactory

#: Monday 2 March 2026, 12:00 in Beijing.
NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
MANAGERS = {"committee_staff", "platform_staff"}


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"appeal_settings:{name}", args=[world.harmony.pk, *args])


def _settings_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "clock": "calendar",
        "work_starts": "09:00",
        "work_ends": "17:30",
        "working_weekdays": ["0", "1", "2", "3", "4"],
        "holidays": "",
        "adjusted_working_days": "",
        "emergency_hours": "2",
        "remind_percent": "75",
        "reopen_days": "15",
        "weight_response": "30",
        "weight_resolution": "35",
        "weight_satisfaction": "35",
        "weight_on_time": "0",
    }
    data.update(changes)
    return data


def _submit(world: World, **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": _lifts(),
        "description": "The lift is stuck.",
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user("resident"), world.harmony, **options)


def _state() -> Any:
    return (
        list(AppealSettings.objects.values()),
        sorted(TimeLimitPolicy.objects.values_list("pk", "category_id", "urgency", "hours", "clock")),
        sorted(ReplyTemplate.objects.values_list("pk", "title", "text", "subject_id")),
        AuditEntry.objects.count(),
    )


# --- what the settings change -------------------------------------------------------------------------------


def test_committee_staff_see_the_defaults_and_what_is_set(world: World, client_for: Any) -> None:
    TimeLimitPolicy.objects.create(community=world.harmony, category=_lifts(), urgency="normal", hours=48)

    response = client_for("committee_staff").get(_url("settings", world))

    assert response.status_code == 200
    text = response.content.decode()
    assert "This community still uses the default settings." in text
    assert response.context["form"]["reopen_days"].value() == 15
    assert "Lifts" in text
    assert "2 days" in text
    assert "Instead of 24 hours, from the responsibility matrix." in text


def test_saving_the_settings_stores_them_and_audits_the_change(world: World, client_for: Any) -> None:
    data = _settings_data(
        clock="working",
        work_starts="08:30",
        holidays="2026-10-01\n2026年10月2日\n\n2026/10/1",
        adjusted_working_days="2026-09-27",
        weight_on_time="10",
        weight_response="20",
    )

    response = client_for("committee_staff").post(_url("settings", world), data)

    assert response.status_code == 302
    assert response["Location"] == _url("settings", world)
    config = AppealSettings.objects.get(community=world.harmony)
    assert (config.clock, config.work_starts.isoformat(), config.working_weekdays) == (
        "working",
        "08:30:00",
        [0, 1, 2, 3, 4],
    )
    assert config.holidays == ["2026-10-01", "2026-10-02"]
    assert config.adjusted_working_days == ["2026-09-27"]
    assert (config.weight_response, config.weight_on_time) == (20, 10)
    entry = AuditEntry.objects.get(action="appeal_settings.update")
    assert entry.actor == world.user("committee_staff")
    assert entry.changes["clock"] == {"before": None, "after": "working"}
    page = client_for("committee_staff").get(_url("settings", world)).content.decode()
    assert "2026-10-01\n2026-10-02" in page


def test_a_policy_of_48_hours_sets_the_due_date_of_the_next_appeal(world: World, client_for: Any) -> None:
    with time_machine.travel(NOON, tick=False):
        earlier = _submit(world)
    response = client_for("committee_staff").post(
        _url("policy_new", world),
        {"category": _lifts().pk, "urgency": "normal", "hours": "48", "clock": "calendar"},
    )
    assert response.status_code == 302

    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)

    assert (appeal.time_limit_hours, appeal.clock) == (48, "calendar")
    assert appeal.due_at == NOON + timedelta(hours=48)
    earlier.refresh_from_db()
    assert earlier.due_at == NOON + timedelta(hours=24)
    assert AuditEntry.objects.filter(action="time_limit_policy.create").count() == 1


def test_a_policy_for_a_general_matter_covers_its_specific_matters(world: World, client_for: Any) -> None:
    facilities = MatterCategory.objects.get(code="facilities")
    client_for("committee_staff").post(
        _url("policy_new", world),
        {"category": facilities.pk, "urgency": "normal", "hours": "72", "clock": "calendar"},
    )
    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)
    assert appeal.due_at == NOON + timedelta(hours=72)


def test_working_hours_give_a_working_hours_deadline(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    client.post(_url("settings", world), _settings_data(clock="working", work_ends="17:00"))

    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)

    # 24 working hours of 8 a day from Monday 12:00: 5 on Monday, 8 on Tuesday and Wednesday, 3 on Thursday.
    assert (appeal.time_limit_hours, appeal.clock) == (24, "working")
    assert appeal.due_at == NOON + timedelta(days=3)
    # The warning at 75 %: 18 working hours, Wednesday 14:00.
    assert appeal.remind_at == datetime(2026, 3, 4, 6, 0, tzinfo=UTC)

    client.post(
        _url("settings", world), _settings_data(clock="working", work_ends="17:00", holidays="2026-03-03")
    )
    with time_machine.travel(NOON, tick=False):
        after_holiday = _submit(world)
    assert after_holiday.due_at == NOON + timedelta(days=4)


def test_a_working_hours_policy_counts_in_the_communitys_calendar(world: World, client_for: Any) -> None:
    client_for("committee_staff").post(
        _url("policy_new", world),
        {"category": _lifts().pk, "urgency": "emergency", "hours": "4", "clock": "working"},
    )
    friday_four_pm = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)

    with time_machine.travel(friday_four_pm, tick=False):
        emergency = _submit(world, urgency="emergency")
        normal = _submit(world)

    # Friday 16:00–17:30 is 1.5 working hours; the other 2.5 run from Monday 09:00.
    assert emergency.due_at == datetime(2026, 3, 9, 3, 30, tzinfo=UTC)
    assert normal.due_at == friday_four_pm + timedelta(hours=24)


def test_a_policy_is_changed_and_removed(world: World, client_for: Any) -> None:
    policy = TimeLimitPolicy.objects.create(
        community=world.harmony, category=_lifts(), urgency="normal", hours=48
    )
    client = client_for("committee_staff")

    changed = client.post(
        _url("policy_edit", world, policy.pk),
        {"category": _lifts().pk, "urgency": "normal", "hours": "36", "clock": "working"},
    )
    assert changed.status_code == 302
    policy.refresh_from_db()
    assert (policy.hours, policy.clock) == (36, "working")

    assert client.post(_url("policy_delete", world, policy.pk)).status_code == 302
    assert not TimeLimitPolicy.objects.exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "time_limit_policy.update",
        "time_limit_policy.delete",
    ]


def test_the_policy_form_shows_what_it_overrides(world: World, client_for: Any) -> None:
    facilities = MatterCategory.objects.get(code="facilities")
    TimeLimitPolicy.objects.create(community=world.harmony, category=facilities, urgency="normal", hours=72)
    policy = TimeLimitPolicy.objects.create(
        community=world.harmony, category=_lifts(), urgency="normal", hours=48
    )
    client = client_for("committee_staff")

    edit = client.get(_url("policy_edit", world, policy.pk)).content.decode()
    new = client.get(_url("policy_new", world)).content.decode()
    water = client.get(
        _url("policy_reference", world), {"category": MatterCategory.objects.get(code="facilities.water").pk}
    ).content.decode()

    assert "What Lifts has now" in edit
    assert "24 hours · Whole community" in edit
    assert "3 days, set for Facilities and repairs" in edit
    assert "2 hours, the community&#x27;s limit for emergencies" in edit
    assert "Choose a matter to see the time limit it has now." in new
    assert 'hx-get="' + _url("policy_reference", world) + '"' in new
    assert "No row: the residents' committee handles it." in water
    assert "3 days, set for Facilities and repairs" in water


def test_matrix_rows_for_some_places_only_are_named(world: World, client_for: Any) -> None:
    water = MatterCategory.objects.get(code="facilities.water")
    ResponsibilityFactory(
        community=world.harmony,
        category=water,
        scope_area=world.building,
        lead_subject=world.ngo,
        time_limit_hours=48,
    )
    TimeLimitPolicy.objects.create(community=world.harmony, category=water, urgency="normal", hours=12)
    client = client_for("committee_staff")

    page = client.get(_url("settings", world)).content.decode()
    reference = client.get(_url("policy_reference", world), {"category": water.pk}).content.decode()

    assert "Instead of 24 hours, the catalogue default (some places have a matrix row of their own)." in page
    assert "2 days · Building 1" in reference
    ResponsibilityFactory(
        community=world.harmony,
        category=MatterCategory.objects.get(code="facilities"),
        lead_subject=world.committee,
        time_limit_hours=96,
    )
    page = client.get(_url("settings", world)).content.decode()
    assert "Instead of 4 days, from the responsibility matrix." in page


# --- reply templates ----------------------------------------------------------------------------------------


def test_reply_templates_are_added_changed_and_removed(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")

    added = client.post(
        _url("template_new", world),
        {
            "title": "Lift repaired",
            "text": "The lift was repaired today.",
            "subject": world.property_company.pk,
        },
    )
    assert added.status_code == 302
    template = ReplyTemplate.objects.get()
    assert (template.community, template.subject) == (world.harmony, world.property_company)
    changed = client.post(
        _url("template_edit", world, template.pk), {"title": "Lift repaired", "text": "Fixed.", "subject": ""}
    )
    assert changed.status_code == 302
    template.refresh_from_db()
    assert (template.text, template.subject) == ("Fixed.", None)
    assert "Lift repaired" in client.get(_url("settings", world)).content.decode()
    client.post(_url("template_delete", world, template.pk))
    assert not ReplyTemplate.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="reply_template.").count() == 3


def test_a_template_for_a_subject_of_another_community_is_refused(world: World, client_for: Any) -> None:
    before = _state()
    response = client_for("committee_staff").post(
        _url("template_new", world), {"title": "T", "text": "x", "subject": world.riverside_committee.pk}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["subject"]
    assert _state() == before


# --- invalid input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field_name", "message"),
    [
        ({"holidays": "2026-10-01\nnational day"}, "holidays", "“national day” is not a date; write it like 2026-10-01."),
        ({"holidays": "2026-02-30"}, "holidays", "“2026-02-30” is not a date; write it like 2026-10-01."),
        ({"holidays": "2026-10-01", "adjusted_working_days": "2026-10-01"}, "adjusted_working_days", "A day cannot be both a holiday and a working day: 2026-10-01."),
        ({"work_starts": "18:00"}, "work_ends", "The working day must end after it starts."),
        ({"work_starts": "9 am"}, "work_starts", "Enter a valid time."),
        ({"working_weekdays": []}, "working_weekdays", "This field is required."),
        ({"weight_on_time": "10"}, "__all__", "The four weights must add up to 100; now they add up to 110."),
        ({"weight_on_time": "101"}, "weight_on_time", "Ensure this value is less than or equal to 100."),
        ({"remind_percent": "100"}, "remind_percent", "Ensure this value is less than or equal to 99."),
        ({"clock": "sundial"}, "clock", "Select a valid choice. sundial is not one of the available choices."),
    ],
    ids=["not a date", "no such day", "holiday and working day", "day ends first", "bad time", "no weekday", "weights", "weight over 100", "warn at 100", "bad clock"],
)  # fmt: skip
def test_invalid_settings_show_the_error_and_save_nothing(
    world: World, client_for: Any, changes: dict[str, Any], field_name: str, message: str
) -> None:
    before = _state()

    response = client_for("committee_staff").post(_url("settings", world), _settings_data(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors == {field_name: [message]}
    assert _state() == before


def test_the_weights_error_is_shown_next_to_the_weights_in_the_users_language(
    world: World, client_for: Any
) -> None:
    before = _state()

    response = client_for("committee_staff").post(
        _url("settings", world), _settings_data(weight_response="10"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    with translation.override("zh-hans"):
        from comity.appeals.community_settings.validation import weights_error

        expected = weights_error({"a": 10, "b": 35, "c": 35, "d": 0})
    assert expected is not None
    assert response.status_code == 400
    assert response.context["form"].weights_errors == expected.messages
    assert response.content.decode().count(expected.messages[0].replace("'", "&#x27;")) == 2
    assert _state() == before


def test_django_messages_follow_the_users_language_too(world: World, client_for: Any) -> None:
    response = client_for("committee_staff").post(
        _url("settings", world), _settings_data(reopen_days="soon"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.context["form"].errors == {"reopen_days": ["输入整数。"]}


@pytest.mark.parametrize(
    ("data", "field_name"),
    [
        ({"urgency": "normal", "hours": "0", "clock": "calendar"}, "hours"),
        ({"urgency": "normal", "hours": "24", "clock": "calendar", "category": 999999}, "category"),
        ({"urgency": "someday", "hours": "24", "clock": "calendar"}, "urgency"),
        ({"urgency": "normal", "hours": "24", "clock": "calendar", "duplicate": True}, "category"),
    ],
    ids=["zero hours", "no such matter", "bad urgency", "already set"],
)
def test_invalid_policies_show_the_error_and_save_nothing(
    world: World, client_for: Any, data: dict[str, Any], field_name: str
) -> None:
    if data.pop("duplicate", False):
        TimeLimitPolicy.objects.create(community=world.harmony, category=_lifts(), urgency="normal", hours=48)
    data.setdefault("category", _lifts().pk)
    before = _state()

    response = client_for("committee_staff").post(_url("policy_new", world), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field_name]
    assert _state() == before


def test_a_policy_of_another_community_is_not_found(world: World, client_for: Any) -> None:
    theirs = TimeLimitPolicy.objects.create(community=world.riverside, category=_lifts(), hours=10)
    before = _state()
    client = client_for("committee_staff")
    assert client.get(_url("policy_edit", world, theirs.pk)).status_code == 404
    assert client.post(_url("policy_delete", world, theirs.pk)).status_code == 404
    assert _state() == before


# --- the permission matrix ----------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    ok_status: int = 200


def _objects(world: World) -> dict[str, Any]:
    return {
        "policy": TimeLimitPolicy.objects.create(
            community=world.harmony, category=MatterCategory.objects.get(code="facilities.water"), hours=12
        ),
        "template": ReplyTemplate.objects.create(community=world.harmony, title="Thanks", text="Thank you."),
    }


CASES = [
    Case("settings", "get", lambda w, o: _url("settings", w)),
    Case("save settings", "post", lambda w, o: _url("settings", w), lambda w: _settings_data(), 302),
    Case("new time limit form", "get", lambda w, o: _url("policy_new", w)),
    Case(
        "add a time limit",
        "post",
        lambda w, o: _url("policy_new", w),
        lambda w: {"category": _lifts().pk, "urgency": "normal", "hours": "48", "clock": "calendar"},
        302,
    ),
    Case("time limit form", "get", lambda w, o: _url("policy_edit", w, o["policy"].pk)),
    Case(
        "change a time limit",
        "post",
        lambda w, o: _url("policy_edit", w, o["policy"].pk),
        lambda w: {
            "category": MatterCategory.objects.get(code="facilities.water").pk,
            "urgency": "normal",
            "hours": "6",
            "clock": "working",
        },
        302,
    ),
    Case("remove a time limit", "post", lambda w, o: _url("policy_delete", w, o["policy"].pk), ok_status=302),
    Case(
        "time limit reference", "get", lambda w, o: _url("policy_reference", w) + f"?category={_lifts().pk}"
    ),
    Case("new template form", "get", lambda w, o: _url("template_new", w)),
    Case(
        "add a template",
        "post",
        lambda w, o: _url("template_new", w),
        lambda w: {"title": "Repaired", "text": "Repaired today."},
        302,
    ),
    Case("template form", "get", lambda w, o: _url("template_edit", w, o["template"].pk)),
    Case(
        "change a template",
        "post",
        lambda w, o: _url("template_edit", w, o["template"].pk),
        lambda w: {"title": "Thanks", "text": "Thank you very much."},
        302,
    ),
    Case(
        "remove a template", "post", lambda w, o: _url("template_delete", w, o["template"].pk), ok_status=302
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", CAST)
def test_permission_matrix(world: World, client_for: Any, case: Case, role: str) -> None:
    objects = _objects(world)
    url = case.url(world, objects)
    client = client_for(role)
    before = _state()

    response = getattr(client, case.method)(url, case.data(world))

    if role in MANAGERS:
        assert response.status_code == case.ok_status, (role, response.status_code)
        if case.method == "post":
            assert _state() != before
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (role, response.status_code)
    assert _state() == before

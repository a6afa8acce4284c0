"""The foundation every app builds on: ``@service`` (one transaction, an audit entry for every write) and the API's
error handler."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils.translation import gettext_noop

from comity.audit.models import AuditEntry
from comity.foundation.api import exception_handler
from comity.foundation.audit import record_audit
from comity.foundation.services import UnauditedWrite, is_service, service
from comity.structure.models import Street
from tests.cast import World

pytestmark = pytest.mark.django_db


@service
def _rename_audited(actor: Any, street: Street, name: str) -> Street:
    street.name = name
    street.save(update_fields=["name"])
    record_audit(actor=actor, action="street.rename", obj=street, summary=gettext_noop("Street renamed"))
    return street


@service
def _rename_unaudited(street: Street, name: str) -> None:
    Street.objects.filter(pk=street.pk).update(name=name)


@service
def _read_only(street: Street) -> str:
    return Street.objects.get(pk=street.pk).name


@service
def _outer(actor: Any, street: Street) -> None:
    _rename_audited(actor, street, "Outer")
    Street.objects.filter(pk=street.pk).update(code="OUT")


@service(audited=False, reason="a test of the exemption")
def _exempt(street: Street) -> None:
    Street.objects.filter(pk=street.pk).update(name="Exempt")


def test_an_audited_write_passes_and_is_recorded(world: World) -> None:
    before = AuditEntry.objects.count()
    _rename_audited(world.users["street_official"], world.street, "New name")
    assert Street.objects.get(pk=world.street.pk).name == "New name"
    assert AuditEntry.objects.count() == before + 1
    assert is_service(_rename_audited)


def test_a_write_without_an_audit_entry_is_refused_and_rolled_back(world: World) -> None:
    old = world.street.name
    with pytest.raises(UnauditedWrite, match="without an audit entry"):
        _rename_unaudited(world.street, "Sneaky")
    assert Street.objects.get(pk=world.street.pk).name == old


@override_settings(COMITY_AUDIT_STRICT=False)
def test_in_production_the_missing_audit_is_logged_and_the_write_stands(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="comity.foundation.services"):
        _rename_unaudited(world.street, "Logged")
    assert Street.objects.get(pk=world.street.pk).name == "Logged"
    assert "_rename_unaudited wrote 1 row(s) without an audit entry" in caplog.text


def test_a_call_that_writes_nothing_needs_no_audit(world: World) -> None:
    assert _read_only(world.street) == world.street.name


@service
def _delete_nothing(street: Street) -> int:
    return Street.objects.filter(pk=street.pk, name="no such name").delete()[0]


def test_a_write_that_matches_no_row_changed_nothing_and_needs_no_audit(world: World) -> None:
    assert _delete_nothing(world.street) == 0
    assert Street.objects.filter(pk=world.street.pk).exists()


def test_an_inner_services_audit_covers_the_outer_call(world: World) -> None:
    _outer(world.users["street_official"], world.street)
    assert Street.objects.get(pk=world.street.pk).code == "OUT"


def test_an_exempt_service_says_why(world: World) -> None:
    _exempt(world.street)
    assert Street.objects.get(pk=world.street.pk).name == "Exempt"
    with pytest.raises(TypeError, match="says why"):
        service(audited=False)


def test_a_sweep_keeps_the_items_done_before_one_fails(world: World) -> None:
    @service(audited=False, atomic=False, reason="a test sweep: each item is its own audited service")
    def sweep(actor: Any, streets: list[Street]) -> None:
        for number, street in enumerate(streets):
            if number == 1:
                raise ValidationError("the second item fails")
            _rename_audited(actor, street, f"Swept {number}")

    with pytest.raises(ValidationError):
        sweep(world.users["street_official"], [world.street, world.street])
    assert Street.objects.get(pk=world.street.pk).name == "Swept 0"
    with pytest.raises(TypeError, match="only a sweep"):
        service(atomic=False)


def test_a_refusal_rolls_the_whole_call_back(world: World) -> None:
    @service
    def rename_then_refuse(street: Street) -> None:
        Street.objects.filter(pk=street.pk).update(name="Half done")
        raise ValidationError("no")

    old = world.street.name
    with pytest.raises(ValidationError):
        rename_then_refuse(world.street)
    assert Street.objects.get(pk=world.street.pk).name == old


@pytest.mark.parametrize(
    ("error", "body"),
    [
        (ValidationError({"text": ["Too long."]}), {"text": ["Too long."]}),
        (ValidationError("Voting has closed."), {"non_field_errors": ["Voting has closed."]}),
    ],
)
def test_a_services_refusal_is_a_400_keyed_by_field(error: ValidationError, body: dict[str, Any]) -> None:
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == body

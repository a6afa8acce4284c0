"""The REST API returns what the pages show, scoped the same way, and writes through the same service."""

from __future__ import annotations

import json

from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.structure.models import Responsibility


def _lifts(world):
    return Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")


def test_communities_are_scoped_to_the_caller(world, client_for):
    def codes(role):
        return [c["code"] for c in client_for(role).get(reverse("api-communities")).json()["results"]]

    assert codes("resident") == ["harmony"]
    assert codes("other_resident") == ["riverside"]
    assert codes("street_official") == ["harmony", "riverside"]
    assert codes("platform_staff") == ["harmony", "riverside"]


def test_community_detail_gives_the_overview_counts(world, client_for):
    data = client_for("owner").get(reverse("api-community", args=[world.harmony.pk])).json()
    assert data["community"]["name"] == "Harmony"
    assert data["counts"]["households"] == 2
    assert data["counts"]["owners"] == 1
    assert data["counts"]["subjects_by_kind"]["street_office"] == 1


def test_responsibilities_list_the_matrix(world, client_for):
    rows = (
        client_for("grid_worker")
        .get(reverse("api-responsibilities", args=[world.harmony.pk]))
        .json()["results"]
    )
    assert [(r["category"], r["lead_subject"], r["time_limit_hours"]) for r in rows] == [
        ("facilities.lifts", world.property_company.pk, 24)
    ]


def test_staff_patch_a_row_and_the_audit_log_records_it(world, client_for):
    url = reverse("api-responsibility", args=[world.harmony.pk, _lifts(world).pk])
    response = client_for("committee_staff").patch(
        url,
        data=json.dumps({"co_handlers": [world.committee.pk], "time_limit_hours": 6}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["co_handlers"] == [world.committee.pk]
    assert _lifts(world).time_limit_hours == 6
    assert (
        AuditEntry.objects.filter(action="responsibility.update", actor=world.user("committee_staff")).count()
        == 1
    )


def test_an_invalid_patch_is_a_400_with_reasons_and_changes_nothing(world, client_for):
    url = reverse("api-responsibility", args=[world.harmony.pk, _lifts(world).pk])
    client = client_for("committee_staff")
    response = client.patch(
        url, data=json.dumps({"lead_subject": world.riverside_committee.pk}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "lead_subject" in response.json()
    bad_number = client.patch(
        url, data=json.dumps({"time_limit_hours": "soon"}), content_type="application/json"
    )
    assert bad_number.status_code == 400
    assert (_lifts(world).lead_subject, _lifts(world).time_limit_hours) == (world.property_company, 24)
    assert not AuditEntry.objects.exists()


def test_errors_are_in_the_callers_language(world, client_for):
    url = reverse("api-responsibility", args=[world.harmony.pk, _lifts(world).pk])
    response = client_for("committee_staff").patch(
        url,
        data=json.dumps({"lead_subject": world.committee.pk, "co_handlers": [world.committee.pk]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "牵头主体不能同时是协办主体。" in json.dumps(response.json(), ensure_ascii=False)


def test_unknown_ids_are_404(world, client_for):
    client = client_for("platform_staff")
    assert client.get(reverse("api-community", args=[99999])).status_code == 404
    assert client.get(reverse("api-responsibility", args=[world.harmony.pk, 99999])).status_code == 404


def test_the_openapi_schema_describes_the_endpoints(client, db):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert "/api/v1/communities/{community_id}/responsibilities/{responsibility_id}/" in schema["paths"]
    assert (
        "patch" in schema["paths"]["/api/v1/communities/{community_id}/responsibilities/{responsibility_id}/"]
    )

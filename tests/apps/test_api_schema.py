"""The API schema is true to the server, for every member of the cast.

Schemathesis reads ``/api/schema/`` from the app in-process (WSGI, no network) and, for each role, sends every
operation a bounded, derandomised set of generated requests — valid ones and deliberately wrong ones — reads and
writes alike, inside the test database. Every answer must be one the schema describes: no server error, a
documented status code and content type, and a body that matches the documented schema.

The caller is signed in the way a browser or script is: Django's session cookie (from the test client's
``force_login``) and the CSRF cookie with its ``X-CSRFToken`` header for writes. Nothing relies on HTTP Basic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..cast import World
from ..conftest import CAST
from .budgeting import make_cycle
from .consultations import make_consultation
from .decisions import make_decision

#: Examples per operation and role; with every operation and all ten roles the test stays around two minutes.
MAX_EXAMPLES = 6
CSRF_TOKEN = "schemathesisCsrfToken0123456789a"  # 32 letters and digits: a valid unmasked CSRF secret

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261207,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The caller is signed in by its session cookie; no generated Authorization headers.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
#: Derandomised and without an example database: every CI run sends the same requests.
SETTINGS = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class _Objects:
    """The ids generated path parameters are mapped to, so most requests reach real rows of the cast's world."""

    def __init__(self, world: World) -> None:
        from comity.appeals import services as appeal_services
        from comity.structure.models import MatterCategory, Responsibility

        appeal = appeal_services.submit_appeal(
            world.user("resident"),
            world.harmony,
            kind="help_request",
            category=MatterCategory.objects.get(code="facilities.lifts"),
            description="The lift is stuck.",
            unit=world.unit,
        )
        consultation = make_consultation(world)
        decision = make_decision(world, None)
        scenario = make_cycle(world, stage="voting")
        self.ids: dict[str, list[int]] = {
            "community_id": [world.harmony.pk, world.riverside.pk],
            "appeal_id": [appeal.pk],
            "consultation_id": [consultation.pk],
            "decision_id": [decision.pk],
            "fund_id": [scenario.fund.pk],
            "cycle_id": [scenario.cycle.pk],
            "proposal_id": [proposal.pk for proposal in scenario.projects.values()],
            "responsibility_id": list(
                Responsibility.objects.filter(community=world.harmony).values_list("pk", flat=True)
            ),
        }

    def point(self, case: Any) -> None:
        """Most generated ids become real ones; one in four stays as generated (usually a missing row)."""
        for name, value in list((case.path_parameters or {}).items()):
            pool = self.ids.get(name)
            number = int(value) if isinstance(value, str) and value.isdigit() else value
            if pool and isinstance(number, int) and number % 4 != 3:
                case.path_parameters[name] = pool[number % len(pool)]


@pytest.fixture
def objects(world: World) -> _Objects:
    return _Objects(world)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The app as a WSGI callable that keeps the test's database connection (and transaction) open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass(frozen=True)
class SignedIn:
    """What a browser signed in as one role sends: its session and CSRF cookies, and the CSRF header."""

    cookies: dict[str, str]
    headers: dict[str, str]


@pytest.fixture
def signed_in(client: Any, world: World, role: str) -> SignedIn:
    cookies = {django_settings.CSRF_COOKIE_NAME: CSRF_TOKEN}
    user = world.user(role)
    if user is not None:
        client.force_login(user)
        cookies[django_settings.SESSION_COOKIE_NAME] = client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    # Answers are compressed for clients that accept it (docs/decisions/0014); schemathesis' WSGI transport asks for
    # gzip but does not unpack what it gets, so these requests ask for the plain body.
    return SignedIn(cookies=cookies, headers={"X-CSRFToken": CSRF_TOKEN, "Accept-Encoding": "identity"})


def _operations_tests(api: Any, call: Any) -> Iterator[tuple[str, Any]]:
    """Each operation's Hypothesis test, with schemathesis's phases (examples, coverage, fuzzing).

    ``schema.parametrize()`` would do the same as pytest items, but its pytest integration does not run on this
    pytest (it reads ``Node._nodeid``, gone in pytest 9.2), so the test drives the same builder itself."""
    from schemathesis.core.result import Ok
    from schemathesis.pytest.lazy import get_all_tests

    for result in get_all_tests(schema=api, test_func=call, settings=SETTINGS, given_kwargs={}):
        if not isinstance(result, Ok):
            raise AssertionError(f"The schema is invalid: {result.err()}")
        operation, test = result.ok()
        yield operation.label, test


@pytest.mark.once
@pytest.mark.parametrize("role", CAST)
def test_every_answer_is_one_the_schema_describes(
    role: str, wsgi_app: WSGIHandler, objects: _Objects, signed_in: SignedIn
) -> None:
    api = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=CONFIG)

    def call(case: Any) -> None:
        objects.point(case)
        case.call_and_validate(headers=signed_in.headers, cookies=signed_in.cookies, checks=CHECKS)

    failures: list[str] = []
    for label, test in _operations_tests(api, call):
        try:
            test()
        except (
            Exception,
            BaseExceptionGroup,
            pytest.fail.Exception,
        ) as error:  # every operation is tried; all failures are reported
            failures.append(f"{label}: {error}")
    assert not failures, f"{len(failures)} operations answer {role} outside the schema:\n" + "\n".join(
        failures
    )


# --- what the schema promises, one answer at a time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("offset=null", "offset", "Enter a whole number from 0 to 1000000."),
        ("offset=-1", "offset", "Enter a whole number from 0 to 1000000."),
        ("offset=1000001", "offset", "Enter a whole number from 0 to 1000000."),
        ("limit=0", "limit", "Enter a whole number from 1 to 500."),
        ("limit=501", "limit", "Enter a whole number from 1 to 500."),
        ("limit=ten", "limit", "Enter a whole number from 1 to 500."),
    ],
)
def test_a_page_outside_the_documented_bounds_is_a_400_on_its_parameter(
    world: World, client_for: Any, query: str, field: str, message: str
) -> None:
    response = client_for("committee_staff").get(f"/api/v1/communities/{world.harmony.pk}/subjects/?{query}")
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_a_page_inside_the_bounds_is_answered(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    response = client.get(f"/api/v1/communities/{world.harmony.pk}/subjects/?limit=1&offset=1")
    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert len(response.json()["results"]) == 1


def test_every_error_has_one_shape_in_the_callers_language(world: World, client_for: Any) -> None:
    chinese = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    anonymous = client_for("anonymous").get("/api/v1/communities/", **chinese)
    assert (anonymous.status_code, anonymous.json()) == (403, {"detail": "身份认证信息未提供。"})
    client = client_for("resident")
    missing = client.get(f"/api/v1/communities/{world.harmony.pk}/decisions/999999/", **chinese)
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到。"})
    nowhere = client.get("/api/v1/nowhere/", **chinese)
    assert (nowhere.status_code, nowhere["Content-Type"], nowhere.json()) == (
        404,
        "application/json",
        {"detail": "未找到。"},
    )
    consultation = make_consultation(world)
    url = f"/api/v1/communities/{world.harmony.pk}/consultations/{consultation.pk}/statements/"
    broken = client.post(url, "{", content_type="application/json")
    assert broken.status_code == 400
    assert list(broken.json()) == ["non_field_errors"]
    assert broken.json()["non_field_errors"][0].startswith("JSON parse error")


def test_the_schema_documents_every_error_answer_with_its_body(client_for: Any) -> None:
    schema = client_for("anonymous").get("/api/schema/", {"format": "json"}).json()
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 28
    error = {"$ref": "#/components/schemas/Error"}
    invalid = {"$ref": "#/components/schemas/ValidationError"}
    for label, operation in operations:
        responses = operation["responses"]
        assert responses["403"]["content"]["application/json"]["schema"] == error, label
        if "{" in label:
            assert responses["404"]["content"]["application/json"]["schema"] == error, label
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert responses["400"]["content"]["application/json"]["schema"] == invalid, label
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_the_schema_is_valid_openapi_and_generated_without_a_warning(tmp_path: Any) -> None:
    """A warning means drf-spectacular guessed (an untyped answer, a colliding enum name): the schema would lie."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")

"""The Citus plan exercised: every query of a community's pages reads only that community's rows, by its filter.

docs/architecture.md ("Distributing by community") distributes the tenant tables by ``community_id``. A page of
one community is then a single-shard page only if **every reference to a distributed table, in every query the
page runs, is constrained by its own ``community_id`` to that community** (``= 7`` or ``IN (7)``): Citus routes
a query to one shard when each distributed table in it is pinned to one distribution value, and Comity's foreign
keys are single-column, so a join on ``appeal_id`` alone does not carry the community over. The same condition is
what makes it impossible for the page to touch another community's rows, whatever the data.

The check reads the SQL each page actually runs (captured, with its parameters): it finds every table reference
(``FROM``/``JOIN``/``UPDATE`` with its alias) in its own ``SELECT`` scope — a subquery's references are checked in
the subquery — and asks for the predicate ``<alias>."community_id" = <the page's community>`` in that scope. The
tables distributed by another column get the same check on theirs: the audit log by ``street_id`` (the page's
street), the notification tables by ``recipient_id`` (the signed-in user). Reference and local tables need no
filter; the auto-created many-to-many tables, which have no column of their own yet (the plan makes them explicit
``through`` models with a ``community``), are named in :data:`ALLOWED` with the reason.

``test_the_check_catches_*`` show it failing on queries built without the filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.appeals import selectors_public
from comity.appeals.models import Appeal
from comity.audit.models import AuditEntry
from comity.structure.models import AreaKind, Unit

from ..cast import World
from ..factories import AreaFactory, UnitFactory
from .test_page_queries import PAGES, Community

pytestmark = pytest.mark.django_db

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"

#: Tables whose rows no community owns, or which have no column to filter by, each with the reason.
ALLOWED = {
    "structure_area_grid_buildings": "Area.grid_buildings: read only with its area, itself filtered by community; "
    "to become an explicit through model with a community (the plan)",
    "budgeting_district_buildings": "District.buildings: read only with its district, itself filtered by community; "
    "to become an explicit through model with a community (the plan)",
    "decisions_elector_persons": "Elector.persons: read only with its elector, itself filtered by community; "
    "to become an explicit through model with a community (the plan)",
}


def _distributed_models() -> dict[str, str]:
    """``{table: distribution column}`` from the plan in docs/architecture.md (one source of truth)."""
    plan = ARCHITECTURE.read_text()
    row = re.search(
        r"^\| \*\*distributed\*\* by `community_id`[^|]*\|(?P<tables>[^|]*)\|", plan, re.MULTILINE
    )
    assert row, "docs/architecture.md has no row of tables distributed by community_id"
    tables: dict[str, str] = {}
    for segment in row.group("tables").split(";"):
        label, _, names = segment.partition(":")
        app_label = label.strip()
        if not names or app_label not in {config.label for config in apps.get_app_configs()}:
            continue
        for name in re.findall(r"`(\w+)`", names):
            tables[apps.get_model(app_label, name)._meta.db_table] = "community_id"
    assert len(tables) > 30, f"too few distributed tables read from the plan: {sorted(tables)}"
    tables[AuditEntry._meta.db_table] = "street_id"
    for name in ("Notification", "Delivery", "OutboxMessage"):
        model = apps.get_model("notifications", name)
        tables[model._meta.db_table] = "recipient_id" if name == "Notification" else "notification_id"
    return tables


DISTRIBUTED = _distributed_models()

#: ``FROM "table" U0``, ``INNER JOIN "table" T3 ON``, ``UPDATE "table"``: a table reference and its alias.
REFERENCE = re.compile(
    r'\b(?:FROM|JOIN|UPDATE)\s+"(?P<table>\w+)"(?:\s+(?:AS\s+)?(?P<alias>"\w+"|[A-Z]\d+)\b)?'
)


@dataclass(frozen=True)
class Violation:
    table: str
    reason: str
    sql: str

    def __str__(self) -> str:
        return f"{self.table}: {self.reason}\n    {self.sql[:400]}"


def _scopes(sql: str) -> list[tuple[int, int]]:
    """The (start, end) of every parenthesised group, innermost last for a position."""
    groups, stack = [], []
    for index, char in enumerate(sql):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            groups.append((stack.pop(), index))
    return groups


def _scope_text(sql: str, position: int) -> tuple[int, str]:
    """The ``SELECT`` the reference at ``position`` belongs to, with its nested subqueries blanked out."""
    groups = _scopes(sql)
    enclosing = [
        (start, end)
        for start, end in groups
        if start < position < end and sql[start + 1 :].lstrip().upper().startswith("SELECT")
    ]
    start, end = max(enclosing, default=(-1, len(sql)))
    text = list(sql[start + 1 : end])
    for inner_start, inner_end in groups:
        if (
            start < inner_start
            and inner_end < end
            and sql[inner_start + 1 :].lstrip().upper().startswith("SELECT")
        ):
            for k in range(inner_start - start, inner_end - start - 1):
                text[k] = " "
    return start, "".join(text)


EQUALITY = re.compile(r'(?P<a>"\w+"|[A-Z]\d+)\."(?P<x>\w+)"\s*=\s*\(?(?P<b>"\w+"|[A-Z]\d+)\."(?P<y>\w+)"')
COMMUNITY_TABLE = "structure_community"


def _same_community(x: str, y: str) -> bool:
    """Whether ``A.x = B.y`` puts A's row in B's community: a foreign key to B's row (rows linked by a foreign key
    share their community: the services set a child's community from its parent's, and check constraints keep
    it), a foreign key from B's row to A's, or the two community columns."""
    return (x.endswith("_id") and y == "id") or (x == "id" and y.endswith("_id")) or x == y == "community_id"


MODELS = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
#: ``<qualifier>."<column>" = 7`` or ``IN (7, 8)``.
FILTER = r'\."(?P<column>{column})"\s*(?:=\s*(?P<one>\d+)|IN\s*\((?P<many>[\d,\s]+)\))'
#: Columns that pin a row to the signed-in user: the user's own rows in any community (their person, their
#: roles, their votes), which the plan reads across shards by user ("a person's roles across communities").
OWN_ROWS = {"user_id", "participant_id", "voter_id", "recipient_id", "requester_user_id"}


def _filters(qualifier: str, scope: str, column: str = r"\w+") -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for hit in re.finditer(re.escape(qualifier) + FILTER.format(column=column), scope):
        ids = {int(v) for v in (hit["one"] or hit["many"]).replace(",", " ").split()}
        found.setdefault(hit["column"], set()).update(ids)
    return found


def _communities_of(model: Any, ids: set[int]) -> set[int] | None:
    """The communities of the rows ``ids`` of ``model`` (looked up after the page ran), or None without one."""
    if model._meta.db_table == COMMUNITY_TABLE:
        return ids
    if not any(field.column == "community_id" for field in model._meta.concrete_fields):
        return None
    return set(model._default_manager.filter(pk__in=ids).values_list("community_id", flat=True))


def _pinned(table: str, qualifier: str, scope: str, expected: dict[str, Any]) -> tuple[bool, str]:
    """Whether one reference is pinned to the page's community by a filter of its own (and what is wrong if it is
    pinned elsewhere).

    Pinned are: the distribution column equal to the page's (``community_id``; the audit log's ``street_id``, or
    its ``community_id``; a notification's ``recipient_id``); any table's ``community_id``; the row's own id or a
    foreign key to rows that belong to the community — ``"consultations_statement"."consultation_id" = 3`` reads
    consultation 3's statements, and if consultation 3 is the community's, so is each statement (a child's
    community is its parent's: the services set it, constraints keep it); and the signed-in user's own rows
    (:data:`OWN_ROWS`). For Citus the foreign-key filters are ones the shards cannot be pruned by (the plan's
    composite keys add ``community_id`` to them); they read no other community's rows.
    """
    model = MODELS[table]
    filters = _filters(qualifier, scope)
    community = expected["community_id"]
    wrong = ""
    column = DISTRIBUTED.get(table, "community_id")
    for name, want in ((column, expected.get(column)), ("community_id", community)):
        if name in filters:
            if filters[name] == {want}:
                return True, ""
            wrong = f"{qualifier}.{name} in {sorted(filters[name])}, not {want}"
    if wrong:
        return False, wrong
    fields = {field.column: field for field in model._meta.concrete_fields}
    for name, ids in filters.items():
        if name in OWN_ROWS and ids == {expected["recipient_id"]}:
            return True, ""
        field = fields.get(name)
        if field is None:
            continue
        target = model if field.primary_key else getattr(field, "related_model", None)
        if target is not None and _communities_of(target, ids) == {community}:
            return True, ""
    return False, ""


def _same_community(x: str, y: str) -> bool:
    """Whether ``A.x = B.y`` puts A's row in B's community: a foreign key to B's row (rows linked by a foreign key
    share their community), a foreign key from B's row to A's, or the two community columns."""
    return (x.endswith("_id") and y == "id") or (x == "id" and y.endswith("_id")) or x == y == "community_id"


def _query_violations(sql: str, expected: dict[str, Any]) -> list[Violation]:
    """Every distributed table reference of one query that is not pinned to the page's community."""
    scopes: dict[int, tuple[str, dict[str, str]]] = {}
    for match in REFERENCE.finditer(sql):
        start, text = _scope_text(sql, match.start())
        scopes.setdefault(start, (text, {}))[1][match["alias"] or f'"{match["table"]}"'] = match["table"]
    pinned: set[str] = set()
    found = []
    # Outer scopes first: a correlated subquery's rows are pinned through the outer row they are joined to.
    for _, (scope, references) in sorted(scopes.items()):
        for qualifier, table in references.items():
            if table not in MODELS:
                continue
            ok, wrong = _pinned(table, qualifier, scope, expected)
            if ok:
                pinned.add(qualifier)
            elif wrong:
                found.append(Violation(table, wrong, sql))
        joins = [(m["a"], m["x"], m["b"], m["y"]) for m in EQUALITY.finditer(scope)]
        grew = True
        while grew:
            grew = False
            for a, x, b, y in joins:
                for left, lx, right, ry in ((a, x, b, y), (b, y, a, x)):
                    if (
                        right in pinned
                        and left not in pinned
                        and left in references
                        and _same_community(lx, ry)
                    ):
                        pinned.add(left)
                        grew = True
        for qualifier, table in references.items():
            column = DISTRIBUTED.get(table)
            if column is None or column == "notification_id" or table in ALLOWED or qualifier in pinned:
                continue
            if not any(v.table == table and v.sql == sql for v in found):
                found.append(Violation(table, f"{qualifier} is not pinned to the community", sql))
    return found


def violations(sql_list: list[str], *, community: int, street: int, user: int | None) -> list[Violation]:
    """What the queries of a community page read beyond that community (``[]`` when nothing)."""
    expected = {"community_id": community, "street_id": street, "recipient_id": user}
    found = []
    for sql in sql_list:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in {"SELECT", "UPDATE", "DELETE", "WITH"}:
            found += _query_violations(sql, expected)
    return found


# --- the check can fail ---------------------------------------------------------------------------------------


def _sql(queryset: Any) -> str:
    """The SQL ``queryset`` sends, with its parameters, as the page tests capture it."""
    with CaptureQueriesContext(connection) as captured:
        list(queryset)
    return str(captured.captured_queries[-1]["sql"])


def test_the_check_catches_a_query_without_the_community_filter(world: World) -> None:
    unfiltered = _sql(Appeal.objects.filter(kind="help_request"))
    found = violations([unfiltered], community=world.harmony.pk, street=world.street.pk, user=None)
    assert [v.table for v in found] == ["appeals_appeal"]


def test_the_check_catches_a_foreign_key_to_rows_of_two_communities(world: World) -> None:
    building = AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="Building 9")
    theirs = UnitFactory(building=building, number="901", floor=9)
    both = _sql(Appeal.objects.filter(unit__in=[world.unit, theirs]))
    found = violations([both], community=world.harmony.pk, street=world.street.pk, user=None)
    assert [v.table for v in found] == ["appeals_appeal"]
    assert (
        violations(
            [_sql(Appeal.objects.filter(unit=world.unit))], community=world.harmony.pk, street=1, user=None
        )
        == []
    )


def test_the_check_catches_a_join_where_no_table_is_filtered(world: World) -> None:
    joined = _sql(Appeal.objects.filter(unit__number="101"))
    found = violations([joined], community=world.harmony.pk, street=world.street.pk, user=None)
    assert sorted(v.table for v in found) == ["appeals_appeal", "structure_unit"]


def test_a_join_through_a_foreign_key_of_a_filtered_row_stays_in_its_community(world: World) -> None:
    """A unit joined to Harmony's appeals by the appeal's foreign key is Harmony's unit."""
    joined = _sql(Unit.objects.filter(appeals__community=world.harmony))
    assert violations([joined], community=world.harmony.pk, street=world.street.pk, user=None) == []


def test_the_check_catches_a_subquery_without_the_filter(world: World) -> None:
    inner = Unit.objects.filter(number="101").values("pk")
    query = _sql(Appeal.objects.filter(community=world.harmony, unit__in=inner))
    found = violations([query], community=world.harmony.pk, street=world.street.pk, user=None)
    assert [v.table for v in found] == ["structure_unit"]


def test_the_check_catches_another_communitys_rows(world: World) -> None:
    other = _sql(Appeal.objects.filter(community__in=[world.harmony, world.riverside]))
    found = violations([other], community=world.harmony.pk, street=world.street.pk, user=None)
    assert len(found) == 1
    assert "not" in found[0].reason


def test_the_check_passes_a_query_filtered_in_every_scope(world: World) -> None:
    inner = Unit.objects.filter(community=world.harmony, number="101").values("pk")
    query = _sql(Appeal.objects.filter(community=world.harmony, unit__in=inner).select_related("unit"))
    assert violations([query], community=world.harmony.pk, street=world.street.pk, user=None) == []


def test_the_page_check_catches_a_selector_that_drops_the_community(
    world: World, client: Any, monkeypatch: Any
) -> None:
    """The public appeals page with its selector broken as a careless edit would: every community's appeals."""
    Community(world).grow(1)
    broken = selectors_public.public_appeals
    monkeypatch.setattr(
        selectors_public,
        "public_appeals",
        lambda community: broken(community).model.objects.filter(is_public=True),
    )
    client.force_login(world.user("resident"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("appeals:public", args=[world.harmony.pk])).status_code == 200
    found = violations(
        [q["sql"] for q in captured.captured_queries],
        community=world.harmony.pk,
        street=world.street.pk,
        user=world.user("resident").pk,
    )
    assert {v.table for v in found} == {"appeals_appeal"}


def test_the_plan_names_every_tenant_table() -> None:
    assert "appeals_appeal" in DISTRIBUTED
    assert "structure_unit" in DISTRIBUTED
    assert "structure_community" not in DISTRIBUTED  # a reference table
    assert "structure_governancesubject" not in DISTRIBUTED
    assert DISTRIBUTED["audit_auditentry"] == "street_id"


# --- every community page ------------------------------------------------------------------------------------

#: The pages of one community: the street's pages read across its communities by design (the plan's multi-shard
#: queries), and "my account" shows one person's participation in every community they belong to.
COMMUNITY_PAGES = [page for page in PAGES if not page[1].startswith("street") and page[1] != "my account"]


@pytest.mark.parametrize(
    ("role", "page", "url"), COMMUNITY_PAGES, ids=[f"{role}:{page}" for role, page, _ in COMMUNITY_PAGES]
)
def test_every_query_of_a_community_page_stays_in_that_community(
    world: World, client: Any, role: str, page: str, url: Any
) -> None:
    community = Community(world)
    community.grow(1)
    user = world.user(role)
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(community))
    assert response.status_code == 200
    found = violations(
        [query["sql"] for query in captured.captured_queries],
        community=world.harmony.pk,
        street=world.street.pk,
        user=user.pk,
    )
    assert not found, f"{page} as {role}: " + "\n".join(str(v) for v in found)

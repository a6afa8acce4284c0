"""The audit log in plain words: every action code has a label, stored values are shown translated, people by name."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

import comity
from comity.appeals import services as appeal_services
from comity.audit.labels import ACTION_LABELS
from comity.budgeting.models import EntryKind
from comity.engine.appeals import AppealEvent
from comity.foundation.audit import record_audit
from comity.structure.models import MatterCategory
from tests.cast import World

#: Codes built at run time, by the expression that fills the hole: every value the expression can take.
DYNAMIC = {
    ("appeal.", "transition.event.value"): [event.value for event in AppealEvent],
    ("budgeting.entry_", "kind"): [kind.value for kind in EntryKind],
    ("accounts.password_", "how"): ["change", "reset"],
}


class _Module:
    """One module's ``record_audit`` calls, with the codes each can record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.constants = {
            target.id: node.value.value
            for node in self.tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def _function(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def _arguments(
        self, function: ast.FunctionDef, name: str, seen: frozenset[str] = frozenset()
    ) -> set[str] | None:
        """The literal values every call of ``function`` in this module passes as ``name`` (None: unknowable)."""
        if function.name in seen:
            return None
        positional = [arg.arg for arg in function.args.args]
        values: set[str] = set()
        calls = [
            call
            for call in ast.walk(self.tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name
        ]
        for call in calls:
            argument = next((k.value for k in call.keywords if k.arg == name), None)
            if argument is None and name in positional and positional.index(name) < len(call.args):
                argument = call.args[positional.index(name)]
            branches = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            if all(isinstance(branch, ast.Constant) for branch in branches):
                values |= {branch.value for branch in branches}  # type: ignore[union-attr]
                continue
            outer = self._function(call)
            if not isinstance(argument, ast.Name) or outer is None:
                return None
            more = self._arguments(outer, argument.id, seen | {function.name})
            if more is None:
                return None
            values |= more
        return values if calls else None

    def codes(self) -> tuple[set[str], list[str]]:
        codes: set[str] = set()
        unknown: list[str] = []
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            if (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) != "record_audit":
                continue
            action = next(k.value for k in node.keywords if k.arg == "action")
            where = f"{self.path.name}:{node.lineno}: {ast.unparse(action)}"
            if isinstance(action, ast.Constant):
                codes.add(action.value)
            elif isinstance(action, ast.Name) and action.id in self.constants:
                codes.add(self.constants[action.id])
            elif (
                isinstance(action, ast.JoinedStr)
                and len(holes := [v for v in action.values if isinstance(v, ast.FormattedValue)]) == 1
            ):
                prefix = "".join(str(v.value) for v in action.values if isinstance(v, ast.Constant))
                hole = holes[0].value
                known = DYNAMIC.get((prefix, ast.unparse(hole)))
                function = self._function(node)
                if known is None and isinstance(hole, ast.Name) and function is not None:
                    found = self._arguments(function, hole.id)
                    known = sorted(found) if found is not None else None
                if known is None:
                    unknown.append(where)
                else:
                    codes |= {prefix + value for value in known}
            else:
                unknown.append(where)
        return codes, unknown


def recorded_action_codes() -> tuple[set[str], list[str]]:
    """Every action code a ``record_audit(`` call anywhere in Comity can record, and calls whose code is unknowable."""
    codes: set[str] = set()
    unknown: list[str] = []
    for path in sorted(Path(comity.__file__).parent.rglob("*.py")):
        if "migrations" in path.parts or "record_audit" not in path.read_text(encoding="utf-8"):
            continue
        found, missing = _Module(path).codes()
        codes |= found
        unknown += missing
    return codes, unknown


def test_every_action_code_recorded_anywhere_has_a_label() -> None:
    codes, unknown = recorded_action_codes()
    assert unknown == [], "add the values of these built codes to DYNAMIC"
    assert {"appeal.sign_for", "budgeting.proposal_reviewed", "claim.confirm", "decisions.open"} <= codes
    assert sorted(code for code in codes if code not in ACTION_LABELS) == []


def test_every_label_reads_in_chinese() -> None:
    english = {code: str(label) for code, label in ACTION_LABELS.items()}
    with translation.override("zh-hans"):
        untranslated = [code for code, label in ACTION_LABELS.items() if str(label) == english[code]]
    assert untranslated == []


def _entries(world: World) -> Any:
    staff = world.user("committee_staff")
    staff.person.full_name = "陈静"
    staff.person.save()
    appeal = appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )
    record_audit(
        actor=staff,
        action="appeal.sign_for",
        obj=appeal,
        community=world.harmony,
        summary=gettext_noop("Signed for appeal %(number)s"),
        params={"number": appeal.number},
        changes={"status": ["dispatched", "signed_for"]},
    )
    record_audit(
        actor=staff,
        action="budgeting.proposal_reviewed",
        community=world.harmony,
        summary=gettext_noop("Reviewed “%(title)s”: %(verdict)s."),
        params={"title": "Benches", "verdict": "eligible"},
    )
    return appeal


def test_the_log_names_people_and_actions_and_shows_values_in_words(world: World, client_for: Any) -> None:
    _entries(world)
    body = client_for("committee_staff").get(reverse("audit:log", args=[world.harmony.pk])).content.decode()
    assert "陈静" in body
    assert ">chen<" not in body
    assert "Appeal accepted by who handles it" in body
    assert "Dispatched → Signed for" in body
    assert "appeal.sign_for" not in body
    assert "<code>" not in body


def test_the_chinese_log_has_no_raw_codes_or_stored_words(world: World, client_for: Any) -> None:
    _entries(world)
    client = client_for("committee_staff")
    body = client.get(
        reverse("audit:log", args=[world.harmony.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert 'lang="zh-hans"' in body
    for raw in (
        "appeal.sign_for",
        "budgeting.proposal_reviewed",
        "signed_for",
        "dispatched",
        ": eligible",
        ">chen<",
    ):
        assert raw not in body, raw
    assert "陈静" in body
    with translation.override("zh-hans"):
        assert str(ACTION_LABELS["appeal.sign_for"]) in body


def test_recorded_changes_read_as_words_in_chinese(world: World) -> None:
    from comity.audit.labels import describe_changes

    snapshot = {
        "category": "Lifts",
        "scope": "Harmony",
        "lead": "Evergreen Property",
        "co_handlers": ["Harmony RC"],
        "time_limit_hours": 24,
        "notes": "",
    }
    with translation.override("zh-hans"):
        rows = describe_changes("structure.responsibility", {"before": snapshot, "after": snapshot, "id": 3})
        registry = describe_changes(
            "structure.community", {"created": {"units": 4}, "rows": 12, "format": "xlsx"}
        )
    labels = [label for label, _text in rows + registry]
    assert all("_" not in label and not label.isascii() for label in labels), labels
    assert ("修改前: 牵头", "Evergreen Property") in rows
    assert "文件格式" in labels

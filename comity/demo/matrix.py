"""The responsibility matrix of each demo community: who leads and who helps on each matter category.

The division of labour follows practice: the property company leads on the fabric and facilities it is
paid to keep up, the cleaning company on garbage, the police on security, city management on shops and
street order, social organisations on elderly and child care, and the residents' committee keeps what no
one else can take (certificates, benefits, disputes between neighbours) — the first receiver of the
12345 workflow (``shared/reference/domain-practice.md`` §3). Self-governance groups lead on matters of
their own building or courtyard, the lowest competent level.

The old estate leaves two leaf categories uncovered on purpose — it has no lifts and no charging points —
so that the matrix page's list of uncovered categories has something to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from comity.demo.layout import Estate
from comity.demo.specs import HIGH_RISE, MIXED, OLD_ESTATE
from comity.structure.models import Area, AreaKind, GovernanceSubject, MatterCategory, Responsibility


@dataclass(frozen=True, slots=True)
class RowSpec:
    #: Subject keys in order of preference: the first one the community has leads.
    leads: tuple[str, ...]
    co_handlers: tuple[str, ...] = ()
    notes: str = ""


MATRIX: dict[str, RowSpec] = {
    "facilities": RowSpec(("property", "rc"), ("rc",)),
    "facilities.lifts": RowSpec(("elevator", "property"), ("property",), "困人故障维保单位30分钟内到场。"),
    "facilities.water": RowSpec(("property", "rc"), ("rc",)),
    "facilities.drainage": RowSpec(("property", "rc"), ("repairs",)),
    "facilities.power": RowSpec(("property", "rc"), ("repairs",)),
    "facilities.gas": RowSpec(("property", "rc"), ("rc", "police"), "先关阀、开窗，再报燃气公司抢修。"),
    "facilities.heating": RowSpec(("property", "rc"), ("rc",)),
    "facilities.lighting": RowSpec(("property", "rc"), ("city_management",)),
    "facilities.fabric": RowSpec(("property", "rc"), ("hoc", "rc")),
    "environment": RowSpec(("property", "rc"), ("cleaning",)),
    "environment.garbage": RowSpec(("cleaning", "property"), ("property", "volunteers")),
    "environment.greening": RowSpec(("property", "rc"), ("cleaning",)),
    "environment.cleaning": RowSpec(("cleaning", "property"), ("property",)),
    "environment.pests": RowSpec(("property", "rc"), ("cleaning", "rc")),
    "noise": RowSpec(("rc",), ("police",)),
    "noise.square_dancing": RowSpec(("rc",), ("dance", "opera", "police")),
    "noise.renovation": RowSpec(("property", "rc"), ("rc",)),
    "noise.business": RowSpec(("city_management",), ("merchants", "rc")),
    "disputes": RowSpec(("rc",), ("social_work", "police")),
    "disputes.leaks": RowSpec(("rc",), ("property", "social_work")),
    "disputes.common_space": RowSpec(("property", "rc"), ("rc",)),
    "disputes.pets": RowSpec(("rc",), ("property", "volunteers")),
    "safety": RowSpec(("rc",), ("police", "property")),
    "safety.fire": RowSpec(("property", "rc"), ("rc", "patrol")),
    "safety.ebikes": RowSpec(("property", "rc"), ("rc", "patrol")),
    "safety.security": RowSpec(("police",), ("property", "patrol")),
    "safety.structure": RowSpec(("street_office",), ("property", "rc")),
    "care": RowSpec(("rc",), ("eldercare", "volunteers")),
    "care.elderly": RowSpec(("eldercare", "rc"), ("rc", "volunteers")),
    "care.meals": RowSpec(("eldercare", "rc"), ("rc",)),
    "care.children": RowSpec(("childcare", "rc"), ("rc", "parents")),
    "fees": RowSpec(("property", "rc"), ("hoc",)),
    "fees.property": RowSpec(("property",), ("hoc", "rc")),
    "fees.maintenance_fund": RowSpec(("hoc", "rc"), ("rc", "street_office")),
    "fees.parking": RowSpec(("property",), ("hoc",)),
    "parking": RowSpec(("property", "rc"), ("rc",)),
    "parking.order": RowSpec(("property", "rc"), ("city_management",)),
    "parking.ev": RowSpec(("property", "rc"), ("hoc",)),
    "renewal": RowSpec(("street_office",), ("rc",)),
    "renewal.elevator": RowSpec(
        ("rc",), ("street_office", "hoc"), "按单元征求业主意见，双三分之二参与、双四分之三同意。"
    ),
    "renewal.works": RowSpec(("street_office",), ("rc", "property")),
    "services": RowSpec(("rc",)),
    "services.certificates": RowSpec(("rc",)),
    "services.social_security": RowSpec(("rc",), ("street_office",)),
    "other": RowSpec(("rc",)),
}

#: Categories the catalogue may gain later fall to the residents' committee, the first receiver.
FALLBACK = RowSpec(("rc",))

#: Leaf categories a community leaves uncovered (with their parent categories).
GAPS: dict[str, tuple[str, ...]] = {OLD_ESTATE: ("facilities.lifts", "parking.ev")}

#: Time limits stricter than the catalogue's default.
STRICTER_HOURS: dict[tuple[str, str], int] = {
    (OLD_ESTATE, "facilities.heating"): 12,
    (OLD_ESTATE, "safety.ebikes"): 12,
    (HIGH_RISE, "facilities.lifts"): 2,
    (MIXED, "noise.business"): 72,
}

#: Rows for one common space: (community, common-space code, category, row).
COMMON_SPACE_ROWS: tuple[tuple[str, str, str, RowSpec], ...] = (
    (OLD_ESTATE, "square", "noise.square_dancing", RowSpec(("dance",), ("rc",), "活动时间19:30—21:00。")),
    (OLD_ESTATE, "parking", "parking.order", RowSpec(("property",), ("patrol",))),
    (HIGH_RISE, "garage", "parking.order", RowSpec(("property",), ("hoc",))),
    (MIXED, "parking", "parking.order", RowSpec(("city_management",), ("property", "merchants"))),
)

#: What a self-governance group leads for its own area, by the kind of area.
GROUP_CATEGORY: dict[str, str] = {
    AreaKind.BUILDING: "environment.cleaning",
    AreaKind.ZONE: "disputes.common_space",
}

MatrixRow = tuple[Responsibility, list[GovernanceSubject]]


def _row(
    estate: Estate,
    category: MatterCategory,
    spec: RowSpec,
    subjects: Mapping[str, GovernanceSubject],
    *,
    lead: GovernanceSubject | None = None,
    scope: Area | None = None,
) -> MatrixRow | None:
    lead = lead or next((subjects[key] for key in spec.leads if key in subjects), None)
    if lead is None:
        return None
    co_handlers: list[GovernanceSubject] = []
    for key in spec.co_handlers:
        subject = subjects.get(key)
        if subject is not None and subject is not lead and subject not in co_handlers:
            co_handlers.append(subject)
    hours = STRICTER_HOURS.get((estate.community.code, category.code), category.default_time_limit_hours)
    row = Responsibility(
        community=estate.community,
        category=category,
        scope_area=scope,
        lead_subject=lead,
        time_limit_hours=hours,
        notes=spec.notes,
    )
    return row, co_handlers


def build_matrix(
    estate: Estate,
    subjects: Mapping[str, GovernanceSubject],
    groups: list[tuple[GovernanceSubject, Area]],
    categories: list[MatterCategory],
) -> list[MatrixRow]:
    """Unsaved matrix rows with their co-handlers for one community.

    ``subjects`` maps keys to the subjects serving the community (its own and the street's); ``groups``
    pairs each self-governance group with its area; ``categories`` is the whole catalogue.
    """
    by_id = {category.pk: category for category in categories}
    by_code = {category.code: category for category in categories}
    skipped: set[str] = set()
    for code in GAPS.get(estate.community.code, ()):
        category = by_code.get(code)
        while category is not None:
            skipped.add(category.code)
            category = by_id.get(category.parent_id) if category.parent_id else None
    rows: list[MatrixRow] = []
    for category in categories:
        if category.code not in skipped:
            row = _row(estate, category, MATRIX.get(category.code, FALLBACK), subjects)
            if row is not None:
                rows.append(row)
    for community, place, code, spec in COMMON_SPACE_ROWS:
        if community == estate.community.code and code in by_code:
            row = _row(estate, by_code[code], spec, subjects, scope=estate.commons[place])
            if row is not None:
                rows.append(row)
    for group, area in groups:
        code = GROUP_CATEGORY[area.kind]
        if code not in by_code:
            continue
        group_spec = RowSpec(
            (), ("cleaning", "property") if code == "environment.cleaning" else ("property", "rc")
        )
        row = _row(estate, by_code[code], group_spec, subjects, lead=group, scope=area)
        if row is not None:
            rows.append(row)
    return rows

"""The report page of a consultation, read from its last opinion map (``Analysis.report``).

The engine's report speaks in statement numbers and group indexes; this module joins the statements' texts and
turns probabilities into what the page shows (percentages, bars, group letters), so the template stays simple.
Statements taken down or marked as about the process since the last computation are left out at once: a
text that was taken down is never shown again while the map catches up. The measures are explained in
``docs/algorithms/opinion-mapping.md``; :func:`draft_body` writes a decision draft from chosen statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comity.consultations import selectors
from comity.consultations.models import Analysis, Consultation
from comity.consultations.report.map import OpinionMap, colour_of, opinion_map, shape_of
from comity.engine.opinions import group_label

#: Opinion groups are shown once this many participants are in the map (Pol.is shows none with very few).
MIN_IN_MAP = 7
#: A statement (or one group's view of it) with fewer votes than this gets no percentage — the page says "Too
#: few votes yet to say" — and enters no list of what most participants agree or disagree with, no common-ground
#: table, no divisive list and no draft offer. Pol.is's smoothed share calls one lone "disagree" 67 % and
#: significant; with five votes one vote moves a share by 20 points, no more (docs/algorithms/opinion-mapping.md).
MIN_VOTES_TO_SAY = 5
#: How many statements each of the common-ground measures contributes to the table.
COMMON_GROUND_ROWS = 8
#: Statements whose groups' agreement differs by less than this are not called divisive.
MIN_DIVISIVE_SPREAD = 0.25
DIVISIVE_ROWS = 8
#: Offered for a decision draft: statements whose groups agree with a geometric mean of at least this …
GAC_CANDIDATE_MEAN = 0.6
#: … and the best few by bridging score that every group leans to agree with.
BRIDGING_CANDIDATES = 4


@dataclass(frozen=True)
class GroupBar:
    label: str
    colour: str
    shape: str
    percent: int
    #: False when the group cast fewer than MIN_VOTES_TO_SAY votes on the statement: no percentage is shown.
    enough: bool = True
    #: "Group A", translated once here rather than once per bar in the template.
    name: str = ""


@dataclass(frozen=True)
class StatementView:
    number: int
    text: str
    agree: int = 0
    disagree: int = 0
    passed: int = 0
    group_agree: tuple[float, ...] = ()
    #: Votes each group cast on it (empty for a map computed before the report carried them).
    group_seen: tuple[int, ...] = ()

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def enough(self) -> bool:
        """Enough votes on the statement to say anything about it in words."""
        return self.seen >= MIN_VOTES_TO_SAY

    def group_enough(self, index: int) -> bool:
        return index >= len(self.group_seen) or self.group_seen[index] >= MIN_VOTES_TO_SAY

    @property
    def every_group_enough(self) -> bool:
        return all(seen >= MIN_VOTES_TO_SAY for seen in self.group_seen)


@dataclass(frozen=True)
class Representative:
    statement: StatementView
    agree: bool
    percent: int
    successes: int
    seen: int

    @property
    def enough(self) -> bool:
        return self.seen >= MIN_VOTES_TO_SAY


@dataclass(frozen=True)
class GroupView:
    index: int
    label: str
    size: int
    percent: int
    colour: str
    shape: str
    representative: list[Representative]
    is_yours: bool = False


@dataclass(frozen=True)
class ConsensusView:
    statement: StatementView
    agree: bool
    percent: int
    successes: int
    seen: int


@dataclass(frozen=True)
class CommonGroundRow:
    statement: StatementView
    bars: list[GroupBar]
    gac: float | None
    bridging: float | None
    flagged: bool
    consensus: str = ""


@dataclass(frozen=True)
class DivisiveRow:
    statement: StatementView
    spread: int
    bars: list[GroupBar]


@dataclass(frozen=True)
class Candidate:
    """A statement managers may tick for a decision draft, with why it is offered."""

    statement: StatementView
    reasons: list[str]


@dataclass
class ReportPage:
    #: ``none``: never computed · ``few``: too few participants for groups · ``ready``.
    state: str
    computed_at: datetime | None = None
    votes_seen: int = 0
    dirty: bool = False
    error: str = ""
    n_participants: int = 0
    n_in_conversation: int = 0
    n_statements: int = 0
    n_votes: int = 0
    groups: list[GroupView] = field(default_factory=list)
    map: OpinionMap | None = None
    you_group: GroupView | None = None
    you_in_map: bool = False
    consensus_agree: list[ConsensusView] = field(default_factory=list)
    consensus_disagree: list[ConsensusView] = field(default_factory=list)
    common_ground: list[CommonGroundRow] = field(default_factory=list)
    divisive: list[DivisiveRow] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    flagged_count: int = 0
    statements: dict[int, StatementView] = field(default_factory=dict)
    gac: dict[int, float] = field(default_factory=dict)
    bridging: dict[int, float] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def min_in_map(self) -> int:
        return MIN_IN_MAP

    @property
    def min_votes(self) -> int:
        return MIN_VOTES_TO_SAY

    @property
    def outside_map(self) -> int:
        """Participants who voted on too few statements to be placed in a group (Pol.is's ``in-conv`` rule)."""
        return max(0, self.n_participants - self.n_in_conversation)


def _percent(probability: Any) -> int:
    try:
        return max(0, min(100, round(100 * float(probability))))
    except (TypeError, ValueError):
        return 0


def _statements(consultation: Consultation, report: dict[str, Any]) -> dict[int, StatementView]:
    """Accepted, non-meta statements by number, with the report's vote counts where it has them."""
    counts = {int(entry["id"]): entry for entry in report.get("statements") or [] if "id" in entry}
    views = {}
    rows = selectors.votable(consultation).filter(is_meta=False).values_list("number", "text")
    for number, text in rows:
        entry = counts.get(number, {})
        views[number] = StatementView(
            number=number,
            text=text,
            agree=int(entry.get("agree", 0)),
            disagree=int(entry.get("disagree", 0)),
            passed=int(entry.get("pass", 0)),
            group_agree=tuple(float(p) for p in entry.get("group_agree") or ()),
            group_seen=tuple(int(n) for n in entry.get("group_seen") or ()),
        )
    return views


def _bars(
    statement: StatementView, groups: Sequence[GroupView], names: dict[int, str] | None = None
) -> list[GroupBar]:
    names = names if names is not None else group_names(groups)
    return [
        GroupBar(
            group.label,
            group.colour,
            group.shape,
            _percent(statement.group_agree[group.index]),
            enough=statement.group_enough(group.index),
            name=names[group.index],
        )
        for group in groups
        if group.index < len(statement.group_agree)
    ]


def group_names(groups: Sequence[GroupView]) -> dict[int, str]:
    """``{group index: "Group A"}`` in the active language, for the bars."""
    return {group.index: _("Group %(group)s") % {"group": group.label} for group in groups}


def _groups(
    report: dict[str, Any], statements: dict[int, StatementView], your_group: int | None
) -> list[GroupView]:
    in_map = max(1, int(report.get("n_in_conversation") or 0))
    groups = []
    for entry in report.get("groups") or []:
        index = int(entry["id"])
        representative = [
            Representative(
                statement=statements[int(r["statement"])],
                agree=r.get("direction") == "agree",
                percent=_percent(r.get("probability")),
                successes=int(r.get("successes", 0)),
                seen=int(r.get("seen", 0)),
            )
            for r in entry.get("representative") or []
            if int(r["statement"]) in statements
        ]
        groups.append(
            GroupView(
                index=index,
                label=str(entry.get("label") or group_label(index)),
                size=int(entry.get("size", 0)),
                percent=round(100 * int(entry.get("size", 0)) / in_map),
                colour=colour_of(index),
                shape=shape_of(index),
                representative=representative,
                is_yours=index == your_group,
            )
        )
    return groups


def _consensus(
    entries: Iterable[dict[str, Any]], statements: dict[int, StatementView], *, agree: bool
) -> list[ConsensusView]:
    return [
        ConsensusView(
            statement=statements[int(e["statement"])],
            agree=agree,
            percent=_percent(e.get("probability")),
            successes=int(e.get("successes", 0)),
            seen=int(e.get("seen", 0)),
        )
        for e in entries
        if int(e["statement"]) in statements and int(e.get("seen", 0)) >= MIN_VOTES_TO_SAY
    ]


def build_report(
    consultation: Consultation, analysis: Analysis | None, *, viewer_id: int | None, can_manage: bool
) -> ReportPage:
    """Everything the report page shows; flagged statements only when ``can_manage``."""
    if analysis is None or analysis.computed_at is None:
        return ReportPage(state="none", dirty=bool(analysis and analysis.dirty))
    report: dict[str, Any] = analysis.report if isinstance(analysis.report, dict) else {}
    page = ReportPage(
        state="few",
        computed_at=analysis.computed_at,
        votes_seen=analysis.votes_seen,
        dirty=analysis.dirty,
        error=analysis.error,
        n_participants=int(report.get("n_participants") or 0),
        n_in_conversation=int(report.get("n_in_conversation") or 0),
        n_statements=int(report.get("n_statements") or 0),
        n_votes=int(report.get("n_votes") or 0),
    )
    groups_count = len(report.get("groups") or [])
    if page.n_in_conversation < MIN_IN_MAP or groups_count < 2:
        return page
    page.state = "ready"
    page.statements = _statements(consultation, report)
    _place_groups(page, report, viewer_id)
    _find_common_ground(page, report, can_manage=can_manage)
    page.divisive = [
        DivisiveRow(
            page.statements[int(e["statement"])],
            _percent(e.get("spread")),
            _bars(page.statements[int(e["statement"])], page.groups),
        )
        for e in report.get("divisive") or []
        if int(e["statement"]) in page.statements
        and float(e.get("spread", 0)) >= MIN_DIVISIVE_SPREAD
        and page.statements[int(e["statement"])].enough
        and page.statements[int(e["statement"])].every_group_enough
    ][:DIVISIVE_ROWS]
    page.candidates = _candidates(page)
    return page


def _place_groups(page: ReportPage, report: dict[str, Any], viewer_id: int | None) -> None:
    """The groups with what sets each apart, and the map, with the viewer's own dot when they are in it."""
    you = next(
        (p for p in report.get("participants") or [] if viewer_id is not None and p.get("id") == viewer_id),
        None,
    )
    your_group = you.get("group") if you else None
    page.groups = _groups(report, page.statements, your_group if isinstance(your_group, int) else None)
    page.you_group = next((g for g in page.groups if g.is_yours), None)
    page.map = opinion_map(report, you=viewer_id if you else None, labels=[g.label for g in page.groups])
    page.you_in_map = page.map.you is not None


def _find_common_ground(page: ReportPage, report: dict[str, Any], *, can_manage: bool) -> None:
    """Consensus both ways, and the table of the best statements by group-aware consensus and by bridging."""
    statements = page.statements
    consensus = report.get("consensus") or {}
    page.consensus_agree = _consensus(consensus.get("agree") or [], statements, agree=True)
    page.consensus_disagree = _consensus(consensus.get("disagree") or [], statements, agree=False)
    gac_entries = [e for e in report.get("group_aware_consensus") or [] if int(e["statement"]) in statements]
    bridging_entries = [e for e in report.get("bridging") or [] if int(e["statement"]) in statements]
    page.gac = {int(e["statement"]): float(e["agree"]) for e in gac_entries}
    page.bridging = {int(e["statement"]): float(e["score"]) for e in bridging_entries}
    flagged = {int(e["statement"]) for e in bridging_entries if e.get("flagged")} if can_manage else set()
    page.flagged_count = len(flagged)

    best = [
        int(e["statement"])
        for e in [*gac_entries[:COMMON_GROUND_ROWS], *bridging_entries[:COMMON_GROUND_ROWS]]
    ]
    chosen = [n for n in dict.fromkeys([*best, *sorted(flagged)]) if statements[n].enough]
    chosen.sort(key=lambda n: (-page.gac.get(n, -1.0), -page.bridging.get(n, -1e9), n))
    consensus_of = {c.statement.number: "agree" for c in page.consensus_agree}
    consensus_of.update({c.statement.number: "disagree" for c in page.consensus_disagree})
    page.common_ground = [
        CommonGroundRow(
            statement=statements[n],
            bars=_bars(statements[n], page.groups),
            gac=page.gac.get(n),
            bridging=page.bridging.get(n),
            flagged=n in flagged,
            consensus=consensus_of.get(n, ""),
        )
        for n in chosen
    ]


def _candidates(page: ReportPage) -> list[Candidate]:
    """Consensus statements, those every group agrees with, and the best bridging ones, each with its reasons."""
    reasons: dict[int, list[str]] = {}
    for c in page.consensus_agree:
        reasons.setdefault(c.statement.number, []).append(
            _("most agree (%(percent)s%%)") % {"percent": c.percent}
        )
    for c in page.consensus_disagree:
        reasons.setdefault(c.statement.number, []).append(
            _("most disagree (%(percent)s%%)") % {"percent": c.percent}
        )
    ranked = sorted(page.bridging.items(), key=lambda item: (-item[1], item[0]))
    top_bridging = {n for n, score in ranked[:BRIDGING_CANDIDATES] if score > 0}
    k = max(1, len(page.groups))
    for row in page.common_ground:
        number = row.statement.number
        if not row.statement.every_group_enough:
            continue
        if row.gac is not None and row.gac ** (1 / k) >= GAC_CANDIDATE_MEAN:
            reasons.setdefault(number, []).append(
                _("every group agrees (%(gac)s)") % {"gac": f"{row.gac:.2f}"}
            )
        if number in top_bridging and row.bridging is not None and _every_group_leans_to_agree(row.statement):
            reasons.setdefault(number, []).append(
                _("bridges the groups (%(score)s)") % {"score": f"{row.bridging:.2f}"}
            )
    return [Candidate(page.statements[n], found) for n, found in reasons.items()]


def _every_group_leans_to_agree(statement: StatementView) -> bool:
    return bool(statement.group_agree) and min(statement.group_agree) >= 0.5


def default_draft_title(consultation: Consultation) -> str:
    return _("What residents agree on: %(title)s") % {"title": consultation.title}


def draft_body(
    consultation: Consultation, page: ReportPage, numbers: Sequence[int], texts: dict[int, str]
) -> str:
    """The text of a decision draft: the chosen statements as a numbered list, each with its support figures."""
    lines = [
        _("From the consultation “%(title)s”: %(question)s")
        % {"title": consultation.title, "question": consultation.question},
    ]
    if page.computed_at is not None:
        lines.append(
            _("Opinion map of %(when)s: %(participants)s participants, %(votes)s votes.")
            % {
                "when": formats.date_format(timezone.localtime(page.computed_at), "SHORT_DATETIME_FORMAT"),
                "participants": page.n_participants,
                "votes": page.votes_seen,
            }
        )
    lines.append("")
    for position, number in enumerate(numbers, start=1):
        view = page.statements.get(number)
        lines.append(f"{position}. {texts[number]} (#{number})")
        if view is None or not view.seen:
            lines.append("   " + _("No votes counted in the opinion map yet."))
            continue
        figures = [
            _("agree %(agree)s, disagree %(disagree)s, pass %(passed)s")
            % {"agree": view.agree, "disagree": view.disagree, "passed": view.passed}
        ]
        bars = _bars(view, page.groups)
        if bars:
            figures.append(
                _("agreement by group: %(groups)s")
                % {
                    "groups": ", ".join(
                        f"{bar.label} {bar.percent}%" if bar.enough else f"{bar.label} {_('too few votes')}"
                        for bar in bars
                    )
                }
            )
        if number in page.gac:
            figures.append(_("group-aware consensus %(gac)s") % {"gac": f"{page.gac[number]:.2f}"})
        if number in page.bridging:
            figures.append(_("bridging score %(score)s") % {"score": f"{page.bridging[number]:.2f}"})
        lines.append("   " + " · ".join(figures))
    return "\n".join(lines)

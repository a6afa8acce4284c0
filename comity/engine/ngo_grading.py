"""Community organisations: the 1000-point grading, its validity and eligibility, and two stage machines.

Framework-free (no Django). Sources (``/work/shared/reference/domain-practice.md`` §5):

* **Grading (MCA 2010 evaluation measures):** grades 1A–5A on a 1000-point scale; 5A from 950, 4A 901–950 (950
  itself is 5A), 3A 851–900, 2A 801–850, and 1A below 801. A grade is valid for **5 years**; an organisation is
  eligible after it has been **registered (or filed) for 2 years**. The four dimensions are basic conditions,
  internal governance, performance and social evaluation.
* **How the 1000 points split between the dimensions** is not in the reference: the assessing body sets it.
  :data:`DEFAULT_MAXIMA` is Comity's default (100 / 350 / 400 / 150), stated in ``docs/ngos.md``; a caller may pass
  its own maxima, which must add up to 1000.
* **Incubation** (NPI's incubators): applied → incubating → graduated, or left at either stage.
* **Filing** with the street office: draft → submitted → reviewed by the residents' committee → decided by the
  street office (approved, or refused with reasons); a refused filing may be corrected and submitted again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

#: The whole scale.
SCALE = 1000
#: Years a grade stays valid, and years registered (or filed) before the first assessment.
VALID_YEARS = 5
ELIGIBLE_AFTER_YEARS = 2
#: The Ministry of Civil Affairs' target of community social organisations per urban community (2017).
URBAN_TARGET = 10


class Dimension(StrEnum):
    BASIC_CONDITIONS = "basic_conditions"
    INTERNAL_GOVERNANCE = "internal_governance"
    PERFORMANCE = "performance"
    SOCIAL_EVALUATION = "social_evaluation"


#: Comity's default split of the 1000 points (not from the reference: the assessing body may set its own).
DEFAULT_MAXIMA: dict[Dimension, int] = {
    Dimension.BASIC_CONDITIONS: 100,
    Dimension.INTERNAL_GOVERNANCE: 350,
    Dimension.PERFORMANCE: 400,
    Dimension.SOCIAL_EVALUATION: 150,
}

#: Lowest total of each grade, best first: 5A from 950, 4A from 901, 3A from 851, 2A from 801, 1A below.
BANDS: tuple[tuple[str, int], ...] = (("5A", 950), ("4A", 901), ("3A", 851), ("2A", 801), ("1A", 0))


class ScoreError(ValueError):
    """A score the scale refuses; ``problems`` maps a dimension (or ``"total"``) to what is wrong, as a code."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(", ".join(f"{key}: {code}" for key, code in problems.items()))
        self.problems = problems


def check_maxima(maxima: Mapping[Dimension, int]) -> None:
    """Refuse a split that misses a dimension, has a negative part or does not add up to the scale."""
    if set(maxima) != set(Dimension) or any(value < 0 for value in maxima.values()):
        raise ValueError("every dimension needs a maximum of 0 or more")
    if sum(maxima.values()) != SCALE:
        raise ValueError(f"the maxima add up to {sum(maxima.values())}, not {SCALE}")


def check_scores(scores: Mapping[Dimension, int], maxima: Mapping[Dimension, int] = DEFAULT_MAXIMA) -> int:
    """The total of the dimensions' scores, or :class:`ScoreError` naming each dimension out of its bounds
    (``"missing"``, ``"negative"``, ``"over_maximum"``)."""
    check_maxima(maxima)
    problems: dict[str, str] = {}
    for dimension in Dimension:
        value = scores.get(dimension)
        if value is None:
            problems[dimension] = "missing"
        elif value < 0:
            problems[dimension] = "negative"
        elif value > maxima[dimension]:
            problems[dimension] = "over_maximum"
    if problems:
        raise ScoreError(problems)
    return sum(scores[dimension] for dimension in Dimension)


def band(total: int) -> str:
    """The grade of a total on the 1000-point scale."""
    if not 0 <= total <= SCALE:
        raise ScoreError({"total": "out_of_scale"})
    for name, lowest in BANDS:
        if total >= lowest:
            return name
    raise AssertionError("unreachable: 1A starts at 0")  # pragma: no cover


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(assessed_on: date) -> date:
    """The last day a grade is valid: the day before the fifth anniversary of the assessment."""
    return add_years(assessed_on, VALID_YEARS) - timedelta(days=1)


def is_valid(assessed_on: date, today: date) -> bool:
    return assessed_on <= today <= valid_until(assessed_on)


def eligible_from(registered_on: date) -> date:
    """The first day an organisation registered (or filed) on ``registered_on`` may be assessed."""
    return add_years(registered_on, ELIGIBLE_AFTER_YEARS)


def is_eligible(registered_on: date | None, on: date) -> bool:
    """Whether an organisation may be assessed on ``on``: registered or filed at least two years before."""
    return registered_on is not None and on >= eligible_from(registered_on)


# --- Stage machines --------------------------------------------------------------------------------------------


class Party(StrEnum):
    """Who takes a step: the organisation's own staff, the incubator's staff, the residents' committee's staff,
    the street office's officials."""

    ORGANISATION = "organisation"
    INCUBATOR = "incubator"
    COMMITTEE = "committee"
    STREET = "street"


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    parties: frozenset[Party]


class IncubationStage(StrEnum):
    APPLIED = "applied"
    INCUBATING = "incubating"
    GRADUATED = "graduated"
    LEFT = "left"


_O, _I, _C, _S = Party.ORGANISATION, Party.INCUBATOR, Party.COMMITTEE, Party.STREET

INCUBATION_STEPS: tuple[Step, ...] = (
    Step(IncubationStage.APPLIED, IncubationStage.INCUBATING, frozenset({_I, _C})),
    Step(IncubationStage.APPLIED, IncubationStage.LEFT, frozenset({_O, _I, _C})),
    Step(IncubationStage.INCUBATING, IncubationStage.GRADUATED, frozenset({_I, _C})),
    Step(IncubationStage.INCUBATING, IncubationStage.LEFT, frozenset({_O, _I, _C})),
)
#: Stages an incubation does not leave.
INCUBATION_ENDS = frozenset({IncubationStage.GRADUATED, IncubationStage.LEFT})


class FilingStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REFUSED = "refused"


FILING_STEPS: tuple[Step, ...] = (
    Step(FilingStatus.DRAFT, FilingStatus.SUBMITTED, frozenset({_O, _C})),
    Step(FilingStatus.SUBMITTED, FilingStatus.REVIEWED, frozenset({_C})),
    Step(FilingStatus.REVIEWED, FilingStatus.APPROVED, frozenset({_S})),
    Step(FilingStatus.REVIEWED, FilingStatus.REFUSED, frozenset({_S})),
    # A refused filing is corrected and submitted again.
    Step(FilingStatus.REFUSED, FilingStatus.SUBMITTED, frozenset({_O, _C})),
)
#: Statuses in which the organisation (or the committee on its behalf) may still change the application.
FILING_EDITABLE = frozenset({FilingStatus.DRAFT, FilingStatus.REFUSED})


def _allowed(steps: tuple[Step, ...], source: str, target: str, parties: frozenset[Party]) -> bool:
    return any(s.source == source and s.target == target and s.parties & parties for s in steps)


def _next(steps: tuple[Step, ...], source: str, parties: frozenset[Party]) -> list[str]:
    return [s.target for s in steps if s.source == source and s.parties & parties]


def may_move_incubation(source: str, target: str, parties: frozenset[Party]) -> bool:
    return _allowed(INCUBATION_STEPS, source, target, parties)


def incubation_next(source: str, parties: frozenset[Party]) -> list[str]:
    """The stages ``parties`` may move an incubation to from ``source``."""
    return _next(INCUBATION_STEPS, source, parties)


def may_move_filing(source: str, target: str, parties: frozenset[Party]) -> bool:
    return _allowed(FILING_STEPS, source, target, parties)


def filing_next(source: str, parties: frozenset[Party]) -> list[str]:
    """The statuses ``parties`` may move a filing to from ``source``."""
    return _next(FILING_STEPS, source, parties)

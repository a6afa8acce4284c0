"""What the budgeting services take: the fields of a fund, a ledger entry, a cycle, a district, a proposal and a
milestone, as the forms' cleaned data, the API's validated data and the demo pass them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.core.files.uploadedfile import UploadedFile

from comity.budgeting.models import District, Fund, Proposal
from comity.decisions.models import Decision
from comity.structure.models import Area, GovernanceSubject


class FundData(TypedDict, total=False):
    name: str
    year: int
    fixed_fen: int
    per_100_residents_fen: int
    residents: int
    description: str


class EntryData(TypedDict, total=False):
    kind: str
    source: str
    amount_fen: int
    occurred_on: date | None
    description: str
    counterparty: str
    proposal: Proposal | None
    decision: Decision | None
    receipt_number: str
    #: An uploaded file (a scan or a photo of the receipt).
    receipt: UploadedFile | None


class CycleData(TypedDict, total=False):
    title: str
    description: str
    fund: Fund | None
    ballot_kind: str
    max_choices: int | None
    points: int
    rule: str
    project_cap: int | None
    #: The whole community's budget in yuan, when no districts are given.
    budget: Decimal | int | str | None


class DistrictSpec(TypedDict, total=False):
    name: str
    #: In yuan, at most two decimals.
    budget: Decimal | int | str | None
    buildings: list[Area]


class ProposalData(TypedDict, total=False):
    title: str
    description: str
    location: str
    estimated_cost: int | None
    district: District | None
    organisation: GovernanceSubject | None


class MilestoneData(TypedDict, total=False):
    title: str
    due_on: date
    note: str


__all__ = ["CycleData", "DistrictSpec", "EntryData", "FundData", "MilestoneData", "ProposalData"]

"""Forms of the fund and budget pages. They parse and label; the services decide what is allowed."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.budgeting.models import (
    MAX_CHOICES,
    MAX_RESIDENTS,
    MAX_YUAN,
    BallotKind,
    Cycle,
    District,
    EntryKind,
    Fund,
    NegativeReason,
    Proposal,
    ProposalStatus,
    Rule,
    SourceKind,
)
from comity.budgeting.services.inputs import EntryData, FundData
from comity.decisions.models import Decision, DecisionStatus
from comity.engine.money import yuan_to_fen
from comity.structure.fields import in_natural_order
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _fen(value: Decimal | None) -> int:
    return yuan_to_fen(value or Decimal(0))


def _yuan_messages(low: Decimal | int) -> dict[str, Any]:
    """Plain words for every way an amount can be out of bounds (Django's defaults speak of "digits")."""
    return {
        "invalid": _("Give an amount in yuan, such as 1200 or 1200.50."),
        "min_value": _("Give at least %(low)s yuan.") % {"low": low},
        "max_value": _("Give at most %(high)s yuan.") % {"high": f"{MAX_YUAN:,}"},
        "max_decimal_places": _("Give at most two decimals (fen)."),
        "max_whole_digits": _("Give at most %(high)s yuan.") % {"high": f"{MAX_YUAN:,}"},
        "max_digits": _("Give at most %(high)s yuan.") % {"high": f"{MAX_YUAN:,}"},
    }


def _district_budget(text: str) -> Decimal | None:
    """A district's budget as written on a line of the districts box: yuan with at most two decimals."""
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        return None
    return Decimal(text)


class YuanField(forms.DecimalField):
    """An amount in yuan with at most two decimals (fen), from ``min_value`` (default 0) to :data:`MAX_YUAN`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal(MAX_YUAN))
        kwargs["error_messages"] = {**_yuan_messages(kwargs["min_value"]), **kwargs.get("error_messages", {})}
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)


class WholeYuanField(forms.IntegerField):
    """A budget or cost in whole yuan, from ``min_value`` (default 1) to :data:`MAX_YUAN`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_YUAN)
        messages = _yuan_messages(kwargs["min_value"])
        messages["invalid"] = _("Give a whole number of yuan, such as 12000.")
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, initial=_("Community fund"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    fixed = YuanField(label=_("Fixed part (yuan)"), initial=Decimal("100000"))
    per_100 = YuanField(label=_("Part per 100 residents (yuan)"), initial=Decimal("1500"))
    residents = forms.IntegerField(
        label=_("Residents counted"),
        min_value=0,
        max_value=MAX_RESIDENTS,
        error_messages={
            "min_value": _("Give zero or more residents."),
            "max_value": _("Give at most %(high)s residents.") % {"high": f"{MAX_RESIDENTS:,}"},
        },
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def data_for_service(self) -> FundData:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "year": d["year"],
            "fixed_fen": _fen(d["fixed"]),
            "per_100_residents_fen": _fen(d["per_100"]),
            "residents": d["residents"],
            "description": d["description"],
        }


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    source = forms.ChoiceField(
        label=_("Source (income only)"), choices=[("", "—"), *SourceKind.choices], required=False
    )
    amount = YuanField(label=_("Amount (yuan)"), min_value=Decimal("0.01"))
    occurred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    description = forms.CharField(label=_("Description"), max_length=255)
    counterparty = forms.CharField(label=_("Paid by or to"), max_length=160, required=False)
    proposal = forms.ModelChoiceField(label=_("Project"), queryset=Proposal.objects.none(), required=False)
    decision = forms.ModelChoiceField(
        label=_("Owners' decision (maintenance fund only)"), queryset=Decision.objects.none(), required=False
    )
    receipt_number = forms.CharField(label=_("Receipt or invoice number"), max_length=60, required=False)
    receipt = forms.FileField(label=_("Scan of the receipt"), required=False)

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (  # type: ignore[attr-defined]
            Proposal.objects.filter(
                cycle__community=fund.community,
                status__in=[ProposalStatus.FUNDED, ProposalStatus.DELIVERED],
            )
            .select_related("cycle")
            .order_by("cycle_id", "number")
        )
        self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
            community=fund.community, status=DecisionStatus.CLOSED, passed=True
        )

    def data_for_service(self) -> EntryData:
        d = dict(self.cleaned_data)
        d["amount_fen"] = _fen(d.pop("amount"))
        return cast(EntryData, d)


class CycleForm(forms.ModelForm):  # type: ignore[type-arg]
    budget = YuanField(
        min_value=Decimal(1),
        label=_("Budget (yuan)"),
        required=False,
        help_text=_("For the whole community; or leave empty and give each district its budget below."),
    )
    districts = forms.CharField(
        label=_("Districts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional, one per line: name; budget in yuan; building codes separated by commas. "
            "Example: East; 60000; 1,2,3"
        ),
    )

    class Meta:
        model = Cycle
        fields = [
            "title",
            "description",
            "fund",
            "ballot_kind",
            "max_choices",
            "points",
            "rule",
            "project_cap",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["max_choices"].max_value = MAX_CHOICES  # type: ignore[attr-defined]
        self.fields["max_choices"].validators.append(MaxValueValidator(MAX_CHOICES))
        self.fields["max_choices"].error_messages.update(
            {
                "min_value": _("Allow at least one project, or leave it empty for no limit."),
                "max_value": _("Give at most %(high)s projects, or leave it empty for no limit.")
                % {"high": MAX_CHOICES},
            }
        )
        self.fields["points"].error_messages.update(
            {
                "min_value": _("Give each voter at least one point."),
                "max_value": _("Give each voter at most 1,000 points."),
            }
        )
        cap = self.fields["project_cap"]
        cap.min_value, cap.max_value = 1, MAX_YUAN  # type: ignore[attr-defined]
        cap.validators += [MinValueValidator(1), MaxValueValidator(MAX_YUAN)]
        cap.error_messages.update(_yuan_messages(1))
        self.fields["fund"].queryset = Fund.objects.filter(community=community)  # type: ignore[attr-defined]
        self.fields["ballot_kind"].choices = BallotKind.choices  # type: ignore[attr-defined]
        self.fields["rule"].choices = Rule.choices  # type: ignore[attr-defined]

    def clean_districts(self) -> list[dict[str, Any]]:
        specs: list[dict[str, Any]] = []
        buildings = {a.code: a for a in Area.objects.filter(community=self.community, kind=AreaKind.BUILDING)}
        for number, line in enumerate((self.cleaned_data.get("districts") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            budget = _district_budget(parts[1]) if len(parts) == 3 else None
            if len(parts) != 3 or not parts[0] or budget is None or budget <= 0:
                raise forms.ValidationError(
                    _("Line %(line)s: write “name; budget in yuan; building codes”.") % {"line": number}
                )
            if budget > MAX_YUAN:
                raise forms.ValidationError(
                    _("Line %(line)s: a budget is at most %(high)s yuan.")
                    % {"line": number, "high": f"{MAX_YUAN:,}"}
                )
            codes = [c.strip() for c in parts[2].split(",") if c.strip()]
            unknown = [c for c in codes if c not in buildings]
            if unknown:
                raise forms.ValidationError(
                    _("Line %(line)s: no building with the code %(codes)s.")
                    % {"line": number, "codes": ", ".join(unknown)}
                )
            specs.append({"name": parts[0], "budget": budget, "buildings": [buildings[c] for c in codes]})
        return specs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("districts") and not data.get("budget") and not self.errors:
            self.add_error("budget", _("Give the budget, or the districts with their budgets."))
        return data


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    budget = YuanField(label=_("Budget (yuan)"), min_value=Decimal(1))
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            community=community, kind=AreaKind.BUILDING
        )
        in_natural_order(self.fields["buildings"])


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What and why"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should be done, where, and who it helps."),
    )
    location = forms.CharField(label=_("Where"), max_length=160, required=False)
    estimated_cost = WholeYuanField(
        label=_("Your estimate of the cost (yuan)"),
        required=False,
        help_text=_("Optional; the committee works out the cost before the vote."),
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=GovernanceSubject.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    def __init__(
        self, *args: Any, cycle: Cycle, organisations: list[GovernanceSubject], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = cycle.districts.all()  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = GovernanceSubject.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )
        if not organisations:
            del self.fields["organisation"]


class ReviewForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a verdict: eligible or not eligible.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons from the negative list"),
        choices=NegativeReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note to the proposer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CostForm(forms.Form):
    cost = YuanField(
        label=_("Cost (yuan)"), min_value=Decimal(1), error_messages={"required": _("Give the cost in yuan.")}
    )
    costing_note = forms.CharField(
        label=_("How the cost was worked out"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how the cost was worked out (a quote, a survey).")},
    )


class OpenVotingForm(forms.Form):
    voting_closes_at = forms.DateTimeField(
        label=_("Voting closes at"),
        widget=DATETIME_WIDGET,
        error_messages={"required": _("Give the time voting closes.")},
    )


class CloseVotingForm(forms.Form):
    """Closing voting. While voting still runs, closing is the early close: it needs its box ticked."""

    early = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick this box to close voting before its planned time.")},
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        closes_at = cycle.voting_closes_at
        self.running = closes_at is not None and timezone.now() < closes_at
        if self.running:
            assert closes_at is not None
            self.fields["early"].label = _(
                "Close now, before the planned time (%(date)s): ballots can no longer be cast or changed."
            ) % {"date": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")}
        else:
            del self.fields["early"]


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel this cycle. It cannot be reopened."),
        error_messages={"required": _("Tick this box to cancel the cycle.")},
    )


class OpenProposalsForm(forms.Form):
    proposals_close_at = forms.DateTimeField(
        label=_("Proposals close at"), widget=DATETIME_WIDGET, required=False
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=160)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("Accepted on"), widget=DATE_WIDGET)
    acceptance_note = forms.CharField(
        label=_("Who inspected the work and what they found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say who inspected the work and what they found.")},
    )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Give one to five stars.")},
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("pabulib file (.pb)"))
    title = forms.CharField(label=_("Title"), max_length=160, required=False)


def ballot_marks(cycle: Cycle, post: Any) -> list[tuple[int, int]]:
    """The marks of a submitted ballot: ``project`` checkboxes (approval, knapsack), ``points-<pk>`` numbers
    (cumulative) or ``rank-<pk>`` numbers (ranked); empty or malformed numbers are left out or rejected by the
    service."""
    if cycle.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        marks = []
        for value in post.getlist("project"):
            if not str(value).isdigit():
                raise ValueError(value)
            marks.append((int(value), 1))
        return marks
    prefix = "points-" if cycle.ballot_kind == BallotKind.CUMULATIVE else "rank-"
    marks = []
    for key, value in post.items():
        if key.startswith(prefix) and str(value).strip():
            pk = key.removeprefix(prefix)
            text = str(value).strip()
            if not pk.isdigit() or not text.lstrip("-").isdigit():
                raise ValueError(key)
            if int(text) == 0 and prefix == "points-":
                continue
            marks.append((int(pk), int(text)))
    return marks

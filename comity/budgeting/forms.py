"""Forms of the fund and budget pages. They parse and label; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.budgeting.models import (
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
from comity.decisions.models import Decision, DecisionStatus
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _fen(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


class YuanField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, initial=_("Community fund"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    fixed = YuanField(label=_("Fixed part (yuan)"), initial=Decimal("100000"))
    per_100 = YuanField(label=_("Part per 100 residents (yuan)"), initial=Decimal("1500"))
    residents = forms.IntegerField(label=_("Residents counted"), min_value=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def data_for_service(self) -> dict[str, Any]:
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

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["amount_fen"] = _fen(d.pop("amount"))
        return d


class CycleForm(forms.ModelForm):  # type: ignore[type-arg]
    budget = forms.IntegerField(
        label=_("Budget (yuan)"),
        min_value=1,
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
            if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or int(parts[1]) <= 0:
                raise forms.ValidationError(
                    _("Line %(line)s: write “name; budget in yuan; building codes”.") % {"line": number}
                )
            codes = [c.strip() for c in parts[2].split(",") if c.strip()]
            unknown = [c for c in codes if c not in buildings]
            if unknown:
                raise forms.ValidationError(
                    _("Line %(line)s: no building with the code %(codes)s.")
                    % {"line": number, "codes": ", ".join(unknown)}
                )
            specs.append(
                {"name": parts[0], "budget": int(parts[1]), "buildings": [buildings[c] for c in codes]}
            )
        return specs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("districts") and not data.get("budget") and not self.errors:
            self.add_error("budget", _("Give the budget, or the districts with their budgets."))
        return data


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    budget = forms.IntegerField(label=_("Budget (yuan)"), min_value=1)
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
        ).order_by("code")


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What and why"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should be done, where, and who it helps."),
    )
    location = forms.CharField(label=_("Where"), max_length=160, required=False)
    estimated_cost = forms.IntegerField(
        label=_("Your estimate of the cost (yuan)"),
        min_value=1,
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
    cost = forms.IntegerField(label=_("Cost (yuan)"), min_value=1)
    costing_note = forms.CharField(
        label=_("How the cost was worked out"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OpenVotingForm(forms.Form):
    voting_closes_at = forms.DateTimeField(label=_("Voting closes at"), widget=DATETIME_WIDGET)


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
        label=_("Who inspected the work and what they found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
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

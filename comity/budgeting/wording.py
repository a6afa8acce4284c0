"""The engine's explanations and measures in residents' words ("funded: 312 supporters paid 41.20 yuan each")."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comity.budgeting.computing import fraction
from comity.budgeting.models import Outcome, Proposal, Rule
from comity.engine.money import fen_to_yuan_exact, yuan_text


def money(value: Fraction | int | None) -> str:
    """Yuan with two decimals, rounded half up from the exact value."""
    return yuan_text(value, always_decimals=True)


def fen_text(fen: int | None) -> str:
    """An amount in fen as yuan with two decimals and thousands separators: ``-123456`` → ``-1,234.56``."""
    return yuan_text(fen_to_yuan_exact(int(fen or 0)), always_decimals=True)


def fen_amount_text(fen: int | None) -> str:
    """An amount in fen as the pages write yuan, decimals only when it has fen: ``1200000`` → ``12,000``,
    ``1250`` → ``12.50``."""
    return yuan_text(fen_to_yuan_exact(int(fen or 0)))


def explain(item: dict[str, Any] | None) -> str:
    if not item:
        return ""
    if item.get("selected"):
        stage = item.get("stage")
        if stage == "mes":
            full = int(item.get("full_payers") or 0)
            capped = int(item.get("capped_payers") or 0)
            text = ngettext(
                "Funded: %(count)s supporter paid %(payment)s yuan.",
                "Funded: %(count)s supporters paid %(payment)s yuan each.",
                full,
            ) % {"count": f"{full:,}", "payment": money(fraction(item.get("payment")))}
            if capped:
                text += " " + ngettext(
                    "%(count)s more paid all they had left.", "%(count)s more paid all they had left.", capped
                ) % {"count": f"{capped:,}"}
            return text
        if stage == "phragmen":
            return _(
                "Funded: its %(votes)s supporters could pay for it together once each had earned %(load)s yuan."
            ) % {
                "votes": f"{item.get('votes', 0):,}",
                "load": money(fraction(item.get("load"))),
            }
        return ngettext(
            "Funded: %(votes)s vote, and its %(cost)s yuan fit in the %(left)s yuan left.",
            "Funded: %(votes)s votes, and its %(cost)s yuan fit in the %(left)s yuan left.",
            int(item.get("votes") or 0),
        ) % {
            "votes": f"{item.get('votes', 0):,}",
            "cost": yuan_text(item.get("cost")),
            "left": money(fraction(item.get("money_left"))),
        }
    reason = item.get("reason")
    if reason == "supporters-short":
        return _(
            "Not funded: its supporters had %(short)s yuan too little left (%(money)s of %(cost)s yuan)."
        ) % {
            "short": money(fraction(item.get("shortfall"))),
            "money": money(fraction(item.get("supporters_money"))),
            "cost": yuan_text(item.get("cost")),
        }
    if reason == "did-not-fit":
        return _("Not funded: it costs %(cost)s yuan, but only %(left)s yuan was left.") % {
            "cost": yuan_text(item.get("cost")),
            "left": money(fraction(item.get("money_left"))),
        }
    if reason in ("no-supporters", "below-threshold"):
        return _("Not funded: nobody voted for it.")
    if reason == "over-budget":
        return _("Not funded: it costs more than the whole budget.")
    if reason == "stopped":
        return _("Not funded: the rule stopped before reaching it (a project before it did not fit).")
    return _("Not funded.")


def short_names() -> dict[str, str]:
    """Rule names short enough for a table column on a phone."""
    return {
        Rule.MES_ADD1: _("Equal Shares"),
        Rule.MES_ADD1_GREEDY: _("Equal Shares + votes"),
        Rule.GREEDY: _("Most votes"),
        Rule.PHRAGMEN: _("Phragmén"),
        Rule.MES: _("Equal Shares, plain"),
    }


RULE_SUMMARIES = {
    Rule.MES_ADD1: lambda: _(
        "Every voter gets an equal share of the budget. A project is funded when its supporters can pay for it "
        "together; the shares are raised one yuan at a time while the result stays within the budget."
    ),
    Rule.MES_ADD1_GREEDY: lambda: _(
        "The Method of Equal Shares as above, then the money left goes to the projects with most votes that fit."
    ),
    Rule.GREEDY: lambda: _(
        "Projects by number of votes, most first; each is funded if it still fits in the money left."
    ),
    Rule.PHRAGMEN: lambda: _(
        "Voters earn money at the same rate; a project is funded as soon as its supporters have earned its cost."
    ),
    Rule.MES: lambda: _("Every voter gets an equal share of the budget; no completion."),
}


@dataclass
class Row:
    proposal: Proposal
    funded: bool
    text: str
    votes: int


def rows(outcome: Outcome, proposals: list[Proposal]) -> list[Row]:
    chosen = set(outcome.selected)
    order = {pk: i for i, pk in enumerate(outcome.selected)}
    out = [
        Row(
            proposal=p,
            funded=p.pk in chosen,
            text=explain(outcome.explanations.get(str(p.pk))),
            votes=int((outcome.explanations.get(str(p.pk)) or {}).get("votes") or 0),
        )
        for p in proposals
    ]
    out.sort(key=lambda r: (not r.funded, order.get(r.proposal.pk, 0), -r.votes, r.proposal.number))
    return out

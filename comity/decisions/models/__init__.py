"""Decisions (表决): a proposal put to a vote under a named rule, with its register, ballots and published result.

The rule's thresholds and counting are the engine's (:mod:`comity.engine.decisions`); these models store what a
vote needs to be checked afterwards:

* the **register** (:class:`Elector`), frozen when voting opens, so the tally can always be recomputed from the
  same electorate: one row per owner by the Supreme People's Court counting (co-owners of a unit together, one
  buyer of several units once, the developer's units together), per adult resident, household or member;
* one :class:`Participation` per elector (a database constraint: one owner, one ballot, also under concurrent
  submissions) saying how the ballot came (online, by proxy with a recorded written authorization, on paper
  entered by staff and checked by a second person);
* the :class:`Ballot` itself. Its primary key is random and it has no time, so a **secret** ballot, which is not
  linked to its participation, cannot be matched to the voter by id or order; the voter keeps a receipt code whose
  hash is stored with the ballot;
* a hash-chained :class:`LogEntry` per decision (:mod:`comity.engine.decisions.ballot_log`);
* affected units and their objections and mediation records, minority statements, minutes and a cost-sharing
  plan.

``services`` is the only writer.

The tables are defined in three modules — the decision with its options, affected units and cost plan
(:mod:`.decisions`), the register and the ballots (:mod:`.voting`), the voices around a vote (:mod:`.parties`) —
and every row carries its decision's community, set by the services from the decision.
"""

from comity.decisions.models.decisions import (
    RULE_CHOICES,
    AffectedUnit,
    BallotKind,
    CostMethod,
    CostPlan,
    Decision,
    DecisionOption,
    DecisionStatus,
    Impact,
)
from comity.decisions.models.parties import (
    Mediation,
    MediationOutcome,
    MinorityStatement,
    Objection,
    ObjectionStatus,
)
from comity.decisions.models.voting import (
    Ballot,
    Channel,
    Elector,
    LogEntry,
    Participation,
    ProxyAuthorization,
)

__all__ = [
    "RULE_CHOICES",
    "AffectedUnit",
    "Ballot",
    "BallotKind",
    "Channel",
    "CostMethod",
    "CostPlan",
    "Decision",
    "DecisionOption",
    "DecisionStatus",
    "Elector",
    "Impact",
    "LogEntry",
    "Mediation",
    "MediationOutcome",
    "MinorityStatement",
    "Objection",
    "ObjectionStatus",
    "Participation",
    "ProxyAuthorization",
]

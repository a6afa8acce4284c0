"""What the smoke run and the page benchmark read from the database, as JSON on standard output.

Run with the deployment's environment (``DATABASE_URL``, ``DJANGO_SETTINGS_MODULE`` …)::

    .venv/bin/python deploy/smoke/checks.py pages     # the main pages of each demo login, with their ids
    .venv/bin/python deploy/smoke/checks.py counts    # row counts of what users write, and the ballot logs
    .venv/bin/python deploy/smoke/checks.py voters 20 # give 20 electors of the open vote the demo password
    .venv/bin/python deploy/smoke/checks.py participations DECISION USER…  # which of them have voted
    .venv/bin/python deploy/smoke/checks.py delivered SINCE APPEAL…  # background work waiting or done twice

Each prints one JSON object; ``counts`` also verifies every decision's hash-chained ballot log.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: The demo logins whose main pages are loaded, and the password of every demo account (docs/demo.md).
PASSWORD = "comity-demo"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()


def main_pages() -> dict[str, list[tuple[str, str]]]:
    """The main pages of each role of the demo, as (label, path), keyed by login ("" for anonymous).

    The pages of tests/apps/test_page_queries.py, on the demo's 幸福里 (3,114 units) and its street."""
    from comity.appeals.models import Appeal
    from comity.budgeting.models import Cycle, CycleStatus
    from comity.consultations.models import Consultation
    from comity.structure.models import Area, AreaKind, Community

    xingfuli = Community.objects.get(code="xingfuli")
    c = f"/c/{xingfuli.pk}"
    street = f"/streets/{xingfuli.street_id}"
    consultations = Consultation.objects.filter(community=xingfuli).order_by("-opens_at")
    open_one, closed_one = consultations.first(), consultations.last()
    fund_vote = estate_vote(xingfuli)
    case = Appeal.objects.filter(community=xingfuli).order_by("-pk").first()
    enterprise_case = enterprise_appeal(xingfuli)
    cycle = Cycle.objects.filter(community=xingfuli, status=CycleStatus.VOTING).first()
    building = Area.objects.filter(community=xingfuli, kind=AreaKind.BUILDING).order_by("pk").first()
    if (
        open_one is None
        or closed_one is None
        or fund_vote is None
        or case is None
        or enterprise_case is None
        or cycle is None
        or building is None
    ):
        raise SystemExit("The demo street is not generated: run `comity demo` first.")
    return {
        "": [("home (anonymous)", "/"), ("login page", "/accounts/login/")],
        "resident": [
            ("resident: community home", f"{c}/"),
            ("resident: my appeals", f"{c}/appeals/mine/"),
            ("resident: public appeals", f"{c}/appeals/public/"),
            ("resident: consultations", f"{c}/consultations/"),
            ("resident: open consultation", f"{c}/consultations/{open_one.pk}/"),
            ("resident: decisions", f"{c}/decisions/"),
            ("resident: budgets", f"{c}/budgets/"),
            ("resident: budget cycle (voting)", f"{c}/budgets/{cycle.pk}/"),
            ("resident: who's who", f"{c}/structure/"),
            ("resident: subjects", f"{c}/subjects/"),
            ("resident: notifications", "/notifications/"),
        ],
        "owner": [
            ("owner: community home", f"{c}/"),
            ("owner: open decision", f"{c}/decisions/{fund_vote.pk}/"),
            ("owner: my account", "/accounts/me/"),
        ],
        "grid-worker": [("grid worker: workbench", f"{c}/appeals/queue/")],
        "committee-staff": [
            ("committee: workbench", f"{c}/appeals/queue/"),
            ("committee: case page", f"{c}/appeals/{case.pk}/"),
            ("committee: registry (3,114 units)", f"{c}/registry/"),
            ("committee: building", f"{c}/registry/buildings/{building.pk}/"),
            ("committee: rates dashboard", f"{c}/appeals/rates/"),
            ("committee: consultation report", f"{c}/consultations/{closed_one.pk}/report/"),
            ("committee: responsibilities", f"{c}/responsibilities/"),
            ("committee: verification queue", f"{c}/verification/"),
            ("committee: funds", f"{c}/funds/"),
            ("committee: audit log", f"{c}/audit/"),
        ],
        "street-official": [
            ("street: overview", f"{street}/"),
            ("street: rates dashboard", f"{street}/appeals/rates/"),
            ("street: escalations", f"{street}/appeals/"),
        ],
        "enterprise-staff": [
            ("enterprise: community home", f"{c}/"),
            ("enterprise: workbench", f"{c}/appeals/queue/"),
            ("enterprise: case page", f"{c}/appeals/{enterprise_case.pk}/"),
        ],
        "admin": [("admin: e-mail outbox", "/notifications/outbox/")],
    }


def enterprise_appeal(community: Any) -> Any:
    """The latest appeal the demo's enterprise login handles as lead: the latest appeal of the community may be
    one its company has not been given, and then its case page rightly answers 403."""
    from django.contrib.auth import get_user_model

    from comity.appeals.models import Appeal
    from comity.structure.scope import scope_for

    staff = get_user_model().objects.get(username="enterprise-staff")
    subjects = scope_for(staff).acting_subject_ids
    return Appeal.objects.filter(community=community, lead_subject_id__in=subjects).order_by("-pk").first()


def estate_vote(community: Any) -> Any:
    """The demo's open estate-wide owners' vote (the maintenance fund): the open motion created last."""
    from comity.decisions.models import Decision, DecisionStatus

    return (
        Decision.objects.filter(community=community, status=DecisionStatus.OPEN, ballot_kind="motion")
        .order_by("-pk")
        .first()
    )


def voters(count: int) -> dict[str, Any]:
    """Give ``count`` electors of the open estate-wide vote who have not voted the demo password, so that they can
    sign in and vote over HTTP (their demo accounts have none). Returns the decision's page and the usernames."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from comity.decisions.models import Elector
    from comity.structure.models import Community

    community = Community.objects.get(code="xingfuli")
    decision = estate_vote(community)
    electors = (
        Elector.objects.filter(decision=decision, participations__isnull=True, persons__user__isnull=False)
        .exclude(persons__user__username__in=["owner", "resident"])
        .prefetch_related("persons__user")
        .order_by("pk")
        .distinct()
    )
    users = []
    for elector in electors:
        if len(users) == count:
            break
        person = next(p for p in elector.persons.all() if p.user_id is not None)
        users.append(person.user)
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(PASSWORD))
    return {
        "page": f"/c/{community.pk}/decisions/{decision.pk}/",
        "decision": decision.pk,
        "usernames": [u.username for u in users],
    }


def participations(decision: int, usernames: list[str]) -> dict[str, Any]:
    """Which of these users' electors have a counted participation in the decision."""
    from comity.decisions.models import Participation

    voted = set(
        Participation.objects.filter(
            decision_id=decision, elector__persons__user__username__in=usernames
        ).values_list("elector__persons__user__username", flat=True)
    )
    return {"voted": sorted(voted)}


def delivered(since: str, appeals: list[int]) -> dict[str, Any]:
    """Background work queued since ``since`` (ISO time): what is still waiting, and what was done twice.

    - deliveries (e-mail, SMS) of notifications created since then: all sent; each SMS in the outbox once
      (one OutboxMessage per delivery) and as many e-mails kept as e-mail deliveries sent;
    - the notifications of the appeals submitted in the run (``appeals``): at least one each (their handlers were
      told), none twice (the same recipient, kind and link);
    - the opinion maps: none left out of date;
    - the transactional outbox (comity.jobs): no job left unpublished.
    """
    from datetime import datetime

    from django.db.models import Count, F, Q

    from comity.consultations.models import Analysis
    from comity.demo.mail import CHANNEL as EMAIL_OUTBOX
    from comity.notifications.models import Delivery, DeliveryStatus, Notification, OutboxMessage

    start = datetime.fromisoformat(since)
    deliveries = Delivery.objects.filter(notification__created_at__gte=start)
    by_status = dict(deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    sms_twice = (
        OutboxMessage.objects.filter(delivery__in=deliveries)
        .values("delivery")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    emails_sent = deliveries.filter(channel="email", status=DeliveryStatus.SENT).count()
    emails_kept = OutboxMessage.objects.filter(channel=EMAIL_OUTBOX, created_at__gte=start).count()
    urls = [f"/appeals/{pk}/" for pk in appeals]
    told = Notification.objects.filter(created_at__gte=start)
    appeal_notes = [
        n for n in told.values("recipient", "kind", "url") if any(n["url"].endswith(u) for u in urls)
    ]
    seen: set[tuple[Any, ...]] = set()
    twice = 0
    for note in appeal_notes:
        key = (note["recipient"], note["kind"], note["url"])
        twice += key in seen
        seen.add(key)
    untold = [
        pk
        for pk, url in zip(appeals, urls, strict=True)
        if not any(n["url"].endswith(url) for n in appeal_notes)
    ]
    unpublished: int | None = None
    if importlib.util.find_spec("comity.jobs") is not None:
        from comity.jobs.models import Job

        unpublished = Job.objects.filter(published_at__isnull=True).count()
    return {
        "jobs unpublished": unpublished,
        "deliveries": by_status,
        "pending deliveries": by_status.get(DeliveryStatus.PENDING, 0),
        "sms twice": sms_twice,
        "e-mails sent": emails_sent,
        "e-mails kept": emails_kept,
        "appeals without a notification": untold,
        "notifications twice": twice,
        "deliveries not sent": deliveries.exclude(status=DeliveryStatus.SENT).count(),
        "opinion maps out of date": Analysis.objects.filter(
            Q(dirty=True) | Q(computed_at__isnull=True) | Q(computed_at__lt=F("requested_at"))
        ).count(),
    }


def counts() -> dict[str, Any]:
    """Rows users write through the pages, and every ballot log checked."""
    from comity.appeals.models import Appeal
    from comity.budgeting.models import BudgetBallot
    from comity.consultations.models import Vote
    from comity.decisions.closing import verify_decision_log
    from comity.decisions.models import Ballot, Decision, LogEntry
    from comity.notifications.models import Notification

    broken = []
    logs = 0
    for decision in Decision.objects.exclude(log_length=0).order_by("pk"):
        logs += 1
        result = verify_decision_log(decision)
        if not result.ok:
            broken.append(f"decision {decision.pk}: entry #{result.first_bad}: {result.reason}")
    return {
        "appeals": Appeal.objects.count(),
        "consultation votes": Vote.objects.count(),
        "decision ballots": Ballot.objects.count(),
        "ballot log entries": LogEntry.objects.count(),
        "budget ballots": BudgetBallot.objects.count(),
        "notifications": Notification.objects.count(),
        "ballot logs": logs,
        "broken ballot logs": broken,
    }


def main(argv: list[str]) -> int:
    commands = {
        "pages": lambda: main_pages(),
        "counts": lambda: counts(),
        "voters": lambda: voters(int(argv[1])),
        "participations": lambda: participations(int(argv[1]), argv[2:]),
        "delivered": lambda: delivered(argv[1], [int(pk) for pk in argv[2:]]),
    }
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    setup()
    result: Any = commands[argv[0]]()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

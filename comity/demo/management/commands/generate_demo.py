"""``manage.py generate_demo [--seed N] [--reset]``: the demo street, and the logins to try it with.

``comity demo`` calls this command. Without ``--reset`` an existing demo street is left as it is, so that
running the quickstart twice keeps whatever was done in the demo; with ``--reset`` it is rebuilt from the
seed. Either way the logins are printed. The year of appeals ends at the moment of generation, or at
``--as-of`` (an ISO date and time) to reproduce a demo exactly.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.demo.accounts import render_logins
from comity.demo.generator import DemoError, DemoSummary, demo_street, generate_demo_street, summarise
from comity.demo.mail import OUTBOX_BACKEND
from comity.demo.specs import STREET_NAME


def moment(value: str) -> datetime:
    """An ISO date and time; without a zone it is read in the project's time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(_("Give a date and time such as 2026-03-01T12:00+08:00.")) from error
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Generate the deterministic demo street (和平街道) with its communities, people and demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo street and generate it again"
        )
        parser.add_argument(
            "--as-of",
            type=moment,
            default=None,
            help="end the year of appeals at this ISO date and time instead of now (to reproduce a demo)",
        )

    def handle(
        self, *args: Any, seed: int, reset: bool, as_of: datetime | str | None = None, **options: Any
    ) -> None:
        if isinstance(as_of, str):
            try:
                as_of = moment(as_of)
            except ArgumentTypeError as error:
                raise CommandError(str(error)) from error
        started = time.perf_counter()
        # Residents are notified (by e-mail too) at every step of the generated appeals: keep those e-mails on
        # the outbox page rather than printing hundreds of them before the logins (comity.demo.mail).
        with override_settings(EMAIL_BACKEND=OUTBOX_BACKEND), transaction.atomic():
            street = demo_street()
            if street is not None and not reset:
                summary = summarise(street)
                self.stdout.write(_("The demo street already exists; use --reset to generate it again."))
            else:
                try:
                    summary = generate_demo_street(seed=seed, now=as_of)
                except DemoError as error:
                    raise CommandError(str(error)) from error
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Generated in %(seconds).1f s.") % {"seconds": time.perf_counter() - started}
                    )
                )
        self.stdout.write(self._describe(summary))
        self.stdout.write(
            _("%(appeals)d appeals over the past year, %(open)d of them still being handled.")
            % {"appeals": summary.appeals, "open": summary.open_appeals}
        )
        self.stdout.write(
            _(
                "%(consultations)d consultations with %(votes)d votes: the opinion map of an elevator retrofit, "
                "and an open one to vote in."
            )
            % {"consultations": summary.consultations, "votes": summary.consultation_votes}
        )
        self.stdout.write(
            _(
                "%(decisions)d decisions with %(ballots)d ballots: elevator retrofits stairwell by stairwell, "
                "a maintenance-fund vote open for owners, a roof repair decided."
            )
            % {"decisions": summary.decisions, "ballots": summary.decision_ballots}
        )
        self.stdout.write(
            _(
                "%(cycles)d budget cycles with %(ballots)d ballots: a spring cycle decided by Equal Shares and "
                "compared with most votes, a knapsack round open for residents, next year's proposals in review."
            )
            % {"cycles": summary.budget_cycles, "ballots": summary.budget_ballots}
        )
        for line in render_logins():
            self.stdout.write(line)

    def _describe(self, summary: DemoSummary) -> str:
        return _(
            "%(street)s (seed %(seed)s): %(communities)d communities, %(units)d units, "
            "%(households)d households, %(persons)d persons, %(subjects)d governance subjects."
        ) % {
            "street": STREET_NAME,
            "seed": summary.seed if summary.seed is not None else "?",
            "communities": summary.communities,
            "units": summary.units,
            "households": summary.households,
            "persons": summary.persons,
            "subjects": summary.subjects,
        }

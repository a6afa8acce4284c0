"""The registry's personal information: people, households, homes owned or rented, roles in governance subjects,
grid workers' areas and the claims residents make to a unit.

A governance subject's ``phone`` is an organisation's public number, not a person's: it is not declared
(``tests/apps/test_privacy_walk.py`` lists it among the fields that look personal and are not)."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

THREE_YEARS = 3 * 365

declare(
    Holding(
        "structure.Area",
        "staff_records",
        subject=("grid_worker",),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "who serves each area is shown while they serve it; the committee changes it when they leave"
            ),
        ),
    ),
    Holding(
        "structure.ResidencyClaim",
        "identity_home",
        subject=("user",),
        actors=("decided_by",),
        fields_by_category={"contact": ("phone",)},
        retention=Retention(
            365,
            "decided_at",
            Ending.ANONYMISE,
            fields=("full_name", "phone", "message"),
            only={"decided_at__isnull": False},
        ),
    ),
    Holding(
        "structure.Household",
        "age_household",
        subject=("id",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("kept while the household is in the register")
        ),
        erasure=Retention(
            None, ending=Ending.KEEP, reason=_("a household is shared with the others who live in it")
        ),
    ),
    Holding(
        "structure.Person",
        "identity_home",
        subject=("id", "user"),
        # The phone is given by consent (withdrawing it blanks the number); the year of birth is the age.
        fields_by_category={"contact": ("phone",), "age_household": ("birth_year",)},
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "kept while you are in your community's residents' register; the committee takes you off it "
                "when you move away"
            ),
        ),
        # The phone number is given by consent and goes; who you are and where you live stay in the register the
        # committee keeps by law.
        erasure=Retention(
            None,
            ending=Ending.ANONYMISE,
            fields=("phone",),
            reason=_(
                "your name, home and year of birth stay in the residents' register the committee keeps by law"
            ),
        ),
    ),
    Holding(
        "structure.Ownership",
        "ownership",
        subject=("person",),
        retention=Retention(
            THREE_YEARS,
            "until",
            Ending.ANONYMISE,
            fields=("person", "holder_name", "certificate_number"),
            only={"until__isnull": False},
        ),
        erasure=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "ownership shares count owners' votes and share costs under the Civil Code; kept while you own "
                "the unit and three years after"
            ),
        ),
    ),
    Holding(
        "structure.Tenancy",
        "ownership",
        subject=("household",),
        retention=Retention(THREE_YEARS, "until", Ending.DELETE, only={"until__isnull": False}),
        erasure=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "the register of who rents which home, kept while the tenancy lasts and three years after"
            ),
        ),
    ),
    Holding(
        "structure.Membership",
        "staff_records",
        subject=("person",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the record of who served in which body, and when")
        ),
    ),
)

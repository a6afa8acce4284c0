"""factory_boy factories for the registry. Tests build on the small named cast in ``conftest.py``."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from comity.accounts.models import User
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    Household,
    LegalStatus,
    MatterCategory,
    Membership,
    Ownership,
    Person,
    Responsibility,
    Street,
    SubjectKind,
    Unit,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    name = factory.Sequence(lambda n: f"Street {n}")
    code = factory.Sequence(lambda n: f"street-{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"Community {n}")
    code = factory.Sequence(lambda n: f"community-{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    community = factory.SubFactory(CommunityFactory)
    kind = AreaKind.BUILDING
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.LazyAttribute(lambda o: f"Building {o.code}")
    floors = 6


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(AreaFactory)
    community = factory.LazyAttribute(lambda o: o.building.community)
    number = factory.Sequence(lambda n: f"{(n % 6) + 1}0{(n % 3) + 1}-{n}")
    floor = 3
    exclusive_area = Decimal("72.50")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)
    community = factory.LazyAttribute(lambda o: o.unit.community)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    community = factory.SubFactory(CommunityFactory)
    full_name = factory.Faker("name")
    birth_year = 1970
    verified_at = factory.LazyFunction(timezone.now)


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    unit = factory.SubFactory(UnitFactory)
    community = factory.LazyAttribute(lambda o: o.unit.community)
    person = factory.SubFactory(PersonFactory, community=factory.SelfAttribute("..community"))


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceSubject

    community = factory.SubFactory(CommunityFactory)
    street = factory.LazyAttribute(lambda o: o.community.street if o.community else StreetFactory())
    kind = SubjectKind.RESIDENTS_COMMITTEE
    name = factory.Sequence(lambda n: f"Subject {n}")
    legal_status = factory.LazyAttribute(
        lambda o: LegalStatus.FILED if o.kind == SubjectKind.SOCIAL_ORGANISATION else ""
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    subject = factory.SubFactory(SubjectFactory)
    community = factory.LazyAttribute(lambda o: o.subject.community)
    street = factory.LazyAttribute(lambda o: o.subject.street)
    person = factory.SubFactory(PersonFactory)
    role = "staff"


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    community = factory.SubFactory(CommunityFactory)
    category = factory.LazyFunction(lambda: MatterCategory.objects.get(code="facilities.lifts"))
    lead_subject = factory.SubFactory(SubjectFactory, community=factory.SelfAttribute("..community"))
    time_limit_hours = 24

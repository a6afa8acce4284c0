"""The demo's community organisations: profiles, filings at every step, incubation, hosted money and grades.

In 幸福里 (the old estate) everything goes through the ngos services, as the committee, the street office and the
elder-care organisation's staff would do it: every organisation gets a profile; the dance team's filing is
approved, the knitting group's refused with reasons (to be corrected), the patrol's waits for the committee; the
knitting group is incubating with space, training, seed money and fiscal hosting, and its host keeps its money;
the dance team graduated and the patrol left; the registered organisations carry grades (5A, 4A) and a filed one
a 2A. The other communities get their profiles written in bulk (a privileged bootstrap, as the generator writes the
registry). The same seed and ``now`` give the same rows.

Hooked into :func:`comity.demo.generator.generate_demo_street` (after the subjects exist) and
:func:`~comity.demo.generator.delete_demo_street` (``delete_demo_ngos`` before the subjects are deleted).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from comity.demo.specs import OLD_ESTATE
from comity.engine.ngo_grading import Dimension
from comity.ngos.models import (
    ORGANISATION_KINDS,
    Filing,
    FilingDocument,
    Grade,
    HostedEntry,
    Incubation,
    OrganisationProfile,
    ServiceOffer,
    SupportGiven,
)
from comity.ngos.services import (
    add_offer,
    apply_for_incubation,
    create_profile,
    decide_filing,
    move_incubation,
    record_grade,
    record_hosted_money,
    record_support,
    review_filing,
    save_filing,
)
from comity.structure.models import Community, GovernanceSubject, MatterCategory, Membership, Street

#: A one-page PDF standing for a scanned charter.
CHARTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _charter() -> SimpleUploadedFile:
    return SimpleUploadedFile("charter.pdf", CHARTER, content_type="application/pdf")


def _scores(rng: random.Random, total_band: str) -> dict[Dimension, int]:
    """Scores that land in the band asked for."""
    base = {
        "5A": (95, 340, 380, 145),
        "4A": (90, 320, 360, 140),
        "2A": (80, 280, 330, 120),
    }[total_band]
    jitter = rng.randint(0, 4)
    values = (base[0], base[1] - jitter, base[2], base[3])
    return dict(zip(Dimension, values, strict=True))


def _credit_code(rng: random.Random) -> str:
    """A made-up unified social credit code: 5 (civil affairs), 2 (social organisation), 金水区 410105, 18 long."""
    return f"52410105MJ{rng.randint(0, 9_999_999):07d}X"


def _org_subjects(community: Community) -> list[GovernanceSubject]:
    return list(
        GovernanceSubject.objects.filter(community=community, kind__in=ORGANISATION_KINDS).order_by("pk")
    )


def _bulk_profiles(community: Community, rng: random.Random) -> int:
    rows = []
    for subject in _org_subjects(community):
        founded = subject.established_on
        tier = subject.legal_status or "community_guided"
        rows.append(
            OrganisationProfile(
                community=community,
                subject=subject,
                tier=tier,
                credit_code=_credit_code(rng) if tier == "registered" else "",
                founded_on=founded,
                registered_or_filed_on=founded if tier != "community_guided" else None,
                service_fields=subject.description[:255],
            )
        )
    OrganisationProfile.objects.bulk_create(rows)
    return len(rows)


def generate_demo_ngos(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(f"ngos-{seed}")
    users = {user.username: user for user in get_user_model().objects.filter(username__in=_LOGINS)}
    committee, official, ngo_staff = users["committee-staff"], users["street-official"], users["ngo-staff"]
    old = Community.objects.get(street=street, code=OLD_ESTATE)
    counts = {"profiles": 0, "filings": 0, "incubations": 0, "grades": 0}
    for community in Community.objects.filter(street=street).exclude(pk=old.pk).order_by("pk"):
        counts["profiles"] += _bulk_profiles(community, rng)

    own_subject_ids = set(
        Membership.objects.filter(person__user=ngo_staff).values_list("subject_id", flat=True)
    )
    subjects = _org_subjects(old)
    profiles: dict[int, OrganisationProfile] = {}
    for subject in subjects:
        tier = subject.legal_status or "community_guided"
        actor = ngo_staff if subject.pk in own_subject_ids else committee
        profiles[subject.pk] = create_profile(
            actor,
            subject,
            tier=tier,
            credit_code=_credit_code(rng) if tier == "registered" else "",
            founded_on=subject.established_on,
            registered_or_filed_on=subject.established_on if tier != "community_guided" else None,
            service_fields=subject.description[:255],
        )
    counts["profiles"] += len(profiles)

    registered = [p for p in profiles.values() if p.tier == "registered"]
    filed = [p for p in profiles.values() if p.tier == "filed"]
    guided = [p for p in profiles.values() if p.tier == "community_guided"]
    today = now.date()
    care = MatterCategory.objects.filter(
        Q(code__startswith="social") | Q(code__startswith="services")
    ).first()
    category = care or MatterCategory.objects.order_by("pk").first()
    for profile in registered:
        actor = ngo_staff if profile.subject_id in own_subject_ids else committee
        if category is not None:
            add_offer(
                actor,
                profile,
                category=category,
                service_type="care",
                title=profile.subject.name,
                capacity=20,
            )
    # Grades: the registered ones 5A and 4A, a filed one 2A, all assessed in the past few years.
    for profile, band in zip([*registered[:2], *filed[:1]], ["5A", "4A", "2A"], strict=False):
        assessed = max(
            today - timedelta(days=rng.randint(200, 900)),
            date(profile.registered_or_filed_on.year + 2, 12, 31)
            if profile.registered_or_filed_on
            else today,
        )
        record_grade(
            official if band != "2A" else committee,
            profile,
            scores=_scores(rng, band),
            assessed_on=min(assessed, today),
            assessor="金水区民政局社会组织评估委员会",
        )
        counts["grades"] += 1

    # Filings: approved, refused with reasons, waiting for the committee.
    steps = ["approved", "refused", "submitted"]
    for profile, step in zip(
        [*guided, *[p for p in profiles.values() if p.subject.kind == "volunteer_team"]], steps, strict=False
    ):
        if Filing.objects.filter(profile=profile).exists():
            continue
        filing = save_filing(
            committee,
            profile,
            tier="filed",
            purpose=f"{profile.subject.name}：{profile.service_fields or '社区居民自发组织的公益活动'}",
            members_count=rng.randint(8, 40),
            documents=[("章程", _charter())],
            submit=True,
        )
        counts["filings"] += 1
        if step == "submitted":
            continue
        review_filing(committee, filing, supports=step == "approved", note="成员名单与活动记录已核实。")
        decide_filing(
            official,
            filing,
            approve=step == "approved",
            reasons="" if step == "approved" else "请补充固定活动场所的使用协议和负责人的联系方式。",
        )

    # Incubation, with a registered organisation (or the committee) as the incubator.
    rc = GovernanceSubject.objects.filter(community=old, kind="residents_committee").first()
    incubator = registered[0].subject if registered else rc
    if incubator is not None:
        plan = [(g, stage) for g, stage in zip(guided, ["incubating", "graduated", "left"], strict=False)]
        for profile, stage in plan:
            if profile.subject_id == incubator.pk:
                continue
            incubation = apply_for_incubation(committee, profile, incubator=incubator, note="社区推荐入驻。")
            counts["incubations"] += 1
            if stage == "left":
                move_incubation(committee, incubation, stage="left", note="骨干成员搬离社区，暂停活动。")
                continue
            move_incubation(committee, incubation, stage="incubating")
            for kind, words, fen in [
                ("space", "每周二、四下午使用社区活动室", 0),
                ("training", "项目设计与财务管理培训（4 课时）", 0),
                ("seed_money", "启动资金", 300_000),
                ("fiscal_hosting", "由孵化机构代管活动经费", 0),
            ]:
                record_support(
                    committee, incubation, kind=kind, description=words, amount_fen=fen, given_on=today
                )
            profile.refresh_from_db()
            record_hosted_money(committee, profile, amount_fen=300_000, description="启动资金到账", on=today)
            record_hosted_money(committee, profile, amount_fen=-48_000, description="活动材料采购", on=today)
            if stage == "graduated":
                move_incubation(committee, incubation, stage="graduated", note="已完成备案，独立开展活动。")
    return counts


def delete_demo_ngos(street: Street) -> None:
    """Remove the street's organisation rows (hosted money and incubations protect the subjects)."""
    in_street: dict[str, Any] = {"community__street": street}
    for document in FilingDocument.objects.filter(**in_street):
        document.file.delete(save=False)
    HostedEntry.objects.filter(**in_street).delete()
    SupportGiven.objects.filter(**in_street).delete()
    Incubation.objects.filter(**in_street).delete()
    Grade.objects.filter(**in_street).delete()
    FilingDocument.objects.filter(**in_street).delete()
    Filing.objects.filter(**in_street).delete()
    ServiceOffer.objects.filter(**in_street).delete()
    OrganisationProfile.objects.filter(**in_street).delete()


_LOGINS = ("committee-staff", "street-official", "ngo-staff")

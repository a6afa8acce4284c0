"""Copy each row's community from its decision."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

MODELS = [
    "DecisionOption",
    "AffectedUnit",
    "Elector",
    "ProxyAuthorization",
    "Participation",
    "Ballot",
    "LogEntry",
    "Objection",
    "Mediation",
    "MinorityStatement",
    "CostPlan",
]


def fill(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    community = Subquery(Decision.objects.filter(pk=OuterRef("decision_id")).values("community_id")[:1])
    for name in MODELS:
        apps.get_model("decisions", name).objects.filter(community__isnull=True).update(
            community_id=community
        )


def empty(apps, schema_editor):
    for name in MODELS:
        apps.get_model("decisions", name).objects.update(community_id=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_community_on_every_row")]

    operations = [migrations.RunPython(fill, empty)]

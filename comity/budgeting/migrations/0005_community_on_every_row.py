"""Every budgeting row carries its community: the ledger's entries (from their fund), districts, proposals, ballots,
outcomes (from their cycle), ballot marks (from their ballot), milestones and ratings (from their proposal).

The column is added empty, filled from the parent, then made required. Going back drops it.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

#: Model → (parent model, the parent's key on the row, the parent's field holding the community).
PARENTS: dict[str, tuple[str, str, str]] = {
    "ledgerentry": ("fund", "fund_id", "community_id"),
    "district": ("cycle", "cycle_id", "community_id"),
    "proposal": ("cycle", "cycle_id", "community_id"),
    "budgetballot": ("cycle", "cycle_id", "community_id"),
    "outcome": ("cycle", "cycle_id", "community_id"),
    "ballotmark": ("budgetballot", "ballot_id", "community_id"),
    "milestone": ("proposal", "proposal_id", "community_id"),
    "rating": ("proposal", "proposal_id", "community_id"),
}


def backfill(apps: Any, schema_editor: Any) -> None:
    # In this order: ballot marks read their ballot's column, milestones and ratings their proposal's.
    for name, (parent_name, key, field) in PARENTS.items():
        model = apps.get_model("budgeting", name)
        parent = apps.get_model("budgeting", parent_name)
        community = parent.objects.filter(pk=OuterRef(key)).values(field)[:1]
        model.objects.filter(community__isnull=True).update(community_id=Subquery(community))


def community_field(null: bool) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="structure.community",
        verbose_name="community",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("budgeting", "0004_amounts_in_fen"),
        ("structure", "0003_bounds_on_numbers"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="community", field=community_field(null=True))
            for name in PARENTS
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="community", field=community_field(null=False))
            for name in PARENTS
        ),
    ]

"""Budgets and costs in fen (``budget_fen``, ``cost_fen``) instead of whole yuan, so that an imported pabulib file
with grosze is kept exactly. Existing amounts are multiplied by 100; going back divides them again and refuses when
some amount has fen (it would not fit a whole-yuan column)."""

from typing import Any

import django.core.validators
from django.db import migrations, models
from django.db.models import F, Q

MAX_FEN = 100_000_000_000

AMOUNTS = [("District", "budget_fen"), ("Proposal", "cost_fen"), ("Outcome", "cost_fen")]


def _settle(schema_editor: Any) -> None:
    """Fire PostgreSQL's deferred foreign-key checks the updates queued, so the ALTER TABLE that follows in the same
    transaction is allowed ("cannot ALTER TABLE … because it has pending trigger events" otherwise)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def to_fen(apps: Any, schema_editor: Any) -> None:
    for model, field in AMOUNTS:
        apps.get_model("budgeting", model).objects.filter(**{f"{field}__isnull": False}).update(
            **{field: F(field) * 100}
        )
    _settle(schema_editor)


def to_yuan(apps: Any, schema_editor: Any) -> None:
    for model, field in AMOUNTS:
        rows = apps.get_model("budgeting", model).objects.filter(**{f"{field}__isnull": False})
        if any(value % 100 for value in rows.values_list(field, flat=True)):
            raise RuntimeError(f"Some {model}.{field} has fen; it cannot go back to whole yuan.")
        for row in rows.only("pk", field):
            setattr(row, field, getattr(row, field) // 100)
            row.save(update_fields=[field])
    _settle(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("budgeting", "0003_proposal_supports_followers_comments")]

    operations = [
        migrations.RenameField("district", "budget", "budget_fen"),
        migrations.AlterField(
            model_name="district",
            name="budget_fen",
            field=models.BigIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(MAX_FEN),
                ],
                verbose_name="budget (fen)",
            ),
        ),
        migrations.RenameField("proposal", "cost", "cost_fen"),
        migrations.AlterField(
            model_name="proposal",
            name="cost_fen",
            field=models.BigIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(MAX_FEN),
                ],
                verbose_name="cost (fen)",
            ),
        ),
        migrations.RenameField("outcome", "cost", "cost_fen"),
        migrations.AlterField(model_name="outcome", name="cost_fen", field=models.BigIntegerField(default=0)),
        migrations.RunPython(to_fen, to_yuan),
        migrations.AddConstraint(
            model_name="district",
            constraint=models.CheckConstraint(
                condition=Q(budget_fen__gt=0) & Q(budget_fen__lte=MAX_FEN),
                name="budgeting_district_budget_bounds",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=Q(cost_fen__isnull=True) | (Q(cost_fen__gt=0) & Q(cost_fen__lte=MAX_FEN)),
                name="budgeting_proposal_cost_bounds",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=Q(cost_fen__gte=0), name="budgeting_outcome_cost_not_negative"
            ),
        ),
    ]

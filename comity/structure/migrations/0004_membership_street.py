"""Every membership carries its subject's street, so that street-level memberships (whose community is empty) are
placed too; backfilled from the subject."""

import django.db.models.deletion
from django.db import migrations, models


def fill_streets(apps, schema_editor):
    Membership = apps.get_model("structure", "Membership")
    GovernanceSubject = apps.get_model("structure", "GovernanceSubject")
    streets = dict(GovernanceSubject.objects.values_list("pk", "street_id"))
    for subject_id, street_id in streets.items():
        Membership.objects.filter(subject_id=subject_id).update(street_id=street_id)


class Migration(migrations.Migration):
    dependencies = [
        ("structure", "0003_bounds_on_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="street",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="structure.street",
                verbose_name="street",
            ),
        ),
        migrations.RunPython(fill_streets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="street",
            field=models.ForeignKey(
                help_text="The subject's street; every membership has one, street-level subjects' too.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="structure.street",
                verbose_name="street",
            ),
        ),
    ]

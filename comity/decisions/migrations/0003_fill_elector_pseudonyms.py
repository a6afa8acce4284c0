"""Give every elector of a register frozen before ADR 0012 its pseudonym, so its pages can name it.

The entries these electors already have in their ballot logs keep what they were written with: rewriting a
sealed log is exactly what its hash chain exists to reveal.
"""

import secrets

from django.db import migrations

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def fill(apps, schema_editor):
    Elector = apps.get_model("decisions", "Elector")
    taken: dict[int, set[str]] = {}
    for elector in Elector.objects.filter(pseudonym="").only("pk", "decision_id").iterator():
        used = taken.setdefault(elector.decision_id, set())
        while True:
            pseudonym = "V-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
            if pseudonym not in used:
                break
        used.add(pseudonym)
        Elector.objects.filter(pk=elector.pk).update(pseudonym=pseudonym)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_elector_pseudonym")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

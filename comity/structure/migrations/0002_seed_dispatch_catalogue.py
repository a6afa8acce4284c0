"""Load the default dispatch catalogue so every installation can build its responsibility matrix."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from comity.engine.catalogue import iter_catalogue

    MatterCategory = apps.get_model("structure", "MatterCategory")
    by_code = {}
    for position, (spec, parent_code) in enumerate(iter_catalogue()):
        category, _ = MatterCategory.objects.update_or_create(
            code=spec.code,
            defaults={
                "parent": by_code.get(parent_code),
                "name_en": spec.name_en,
                "name_zh": spec.name_zh,
                "default_time_limit_hours": spec.hours,
                "keywords": spec.keywords,
                "position": position,
            },
        )
        by_code[spec.code] = category


def unload_catalogue(apps, schema_editor):
    MatterCategory = apps.get_model("structure", "MatterCategory")
    MatterCategory.objects.filter(responsibilities__isnull=True, parent__isnull=False).delete()
    MatterCategory.objects.filter(responsibilities__isnull=True, children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("structure", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, unload_catalogue)]

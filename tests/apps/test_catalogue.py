import importlib

from comity.engine.catalogue import iter_catalogue
from comity.structure.models import MatterCategory


def test_the_catalogue_migration_matches_the_engine_catalogue() -> None:
    """The migration freezes the catalogue; a change to one without the other must be deliberate."""
    migration = importlib.import_module("comity.structure.migrations.0002_seed_dispatch_catalogue")
    assert [
        (spec.code, parent, spec.name_en, spec.name_zh, spec.hours, spec.keywords)
        for spec, parent in iter_catalogue()
    ] == migration.CATALOGUE


def test_every_installation_has_the_dispatch_catalogue(db) -> None:
    lifts = MatterCategory.objects.get(code="facilities.lifts")
    assert lifts.parent.code == "facilities"
    assert (lifts.name_en, lifts.name_zh, lifts.default_time_limit_hours) == ("Lifts", "电梯", 24)
    assert MatterCategory.objects.count() == len(iter_catalogue())

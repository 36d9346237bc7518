"""Seed the predikat matrix and the unit-head rule of docs/rules.md §5 as data, marked "verify"
(the annex of PermenPANRB 6/2022 was not retrieved). Safe to rerun: existing
cells are left as they are, so a corrected cell is never overwritten."""

from django.db import migrations

SOURCE = "docs/rules.md §5 / PermenPANRB 6/2022 annex (verify)"

# (results rating, behaviour rating) → predikat
MATRIX = {
    ("ABOVE", "BELOW"): "KURANG",
    ("ABOVE", "MEETS"): "BAIK",
    ("ABOVE", "ABOVE"): "SANGAT_BAIK",
    ("MEETS", "BELOW"): "KURANG",
    ("MEETS", "MEETS"): "BAIK",
    ("MEETS", "ABOVE"): "BAIK",
    ("BELOW", "BELOW"): "SANGAT_KURANG",
    ("BELOW", "MEETS"): "BUTUH_PERBAIKAN",
    ("BELOW", "ABOVE"): "BUTUH_PERBAIKAN",
}

UNIT_RULE = {
    "ISTIMEWA": "ABOVE",
    "BAIK": "MEETS",
    "BUTUH_PERBAIKAN": "BELOW",
    "KURANG": "BELOW",
    "SANGAT_KURANG": "BELOW",
}


def seed(apps, schema_editor):
    cell = apps.get_model("performance", "PredikatMatrixCell")
    for (results, behaviour), predikat in MATRIX.items():
        cell.objects.get_or_create(
            results_rating=results,
            behaviour_rating=behaviour,
            defaults={"predikat": predikat, "verify": True, "source": SOURCE},
        )
    rule = apps.get_model("performance", "UnitResultRule")
    for result, rating in UNIT_RULE.items():
        rule.objects.get_or_create(
            organisation_result=result, defaults={"results_rating": rating, "verify": True, "source": SOURCE}
        )


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_performance_models")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

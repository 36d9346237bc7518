# A confirmed holiday's name carries no "(perkiraan)" (docs/rules.md §7). Safe to rerun; a row whose
# plain name already exists on the same date keeps its label rather than break the unique name.

from django.db import migrations

SUFFIX = " (perkiraan)"


def strip_label(apps, schema_editor):
    Holiday = apps.get_model("org", "Holiday")
    confirmed = Holiday.objects.filter(confirmed=True, name__endswith=SUFFIX)
    for holiday in confirmed.iterator(chunk_size=500):
        name = holiday.name[: -len(SUFFIX)].rstrip()
        taken = Holiday.objects.filter(agency_id=holiday.agency_id, date=holiday.date, name=name).exists()
        if not taken:
            Holiday.objects.filter(id=holiday.id).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_employee_change_transfer_nip"),
    ]

    operations = [
        migrations.RunPython(strip_label, migrations.RunPython.noop),
    ]

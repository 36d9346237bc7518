from django.db import migrations, models
from django.db.models import Q


def requirement_from_policy(apps, schema_editor):
    """Every current HR admin of an agency whose policy requires MFA for HR (and every agency head
    where the head's switch is on) must enrol from their next request on, not only those assigned
    the role after the switch was set. Safe to rerun: it only sets the flag where it is due."""
    User = apps.get_model("accounts", "User")
    RoleAssignment = apps.get_model("org", "RoleAssignment")
    due = RoleAssignment.objects.filter(
        Q(role="HR_ADMIN", agency__mfa_required_for_hr=True) | Q(role="AGENCY_HEAD", agency__mfa_required_for_head=True)
    ).values("user_id")
    User.objects.filter(id__in=due, mfa_required_by_policy=False).update(mfa_required_by_policy=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_token_history_skips_last_used"),
        ("org", "0004_agency_mfa_required_for_head"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="mfa_required_by_policy",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Set from the agency policy for HR admins and agency heads.",
                verbose_name="MFA required by the agency policy",
            ),
        ),
        migrations.RunPython(requirement_from_policy, migrations.RunPython.noop),
    ]

"""Notification kinds of the performance app (e-mail templates in templates/notifications/email/)."""

from django.utils.translation import gettext_lazy as _

from flexwork.notifications.kinds import kind_register

kind_register(
    "performance_skp_submitted",
    title=_("SKP %(year)s of %(employee_name)s to approve"),
    body=_(
        "%(employee_name)s proposed their SKP for %(year)s on %(when)s. Review the targets and approve or return it."
    ),
)
kind_register(
    "performance_skp_approved",
    title=_("Your SKP %(year)s was approved"),
    body=_("%(assessor_name)s approved your SKP for %(year)s on %(when)s. You can now enter realisations."),
)
kind_register(
    "performance_skp_returned",
    title=_("Your SKP %(year)s was returned"),
    body=_("Your SKP for %(year)s was returned on %(when)s with this note: %(note)s"),
)
kind_register(
    "performance_feedback",
    title=_("New feedback on the SKP %(year)s"),
    body=_("%(author_name)s wrote feedback on the SKP for %(year)s on %(when)s."),
    email=False,
)
kind_register(
    "performance_evaluated",
    title=_("Your performance was evaluated: %(predikat)s"),
    body=_("Your assessor evaluated your SKP for %(year)s on %(when)s. Predikat: %(predikat)s."),
)

"""Attendance: check-in and check-out, daily status, leave, corrections, output logs."""

from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from flexwork.notifications.kinds import kind_register

        kind_register(
            "attendance_request_pending",
            title=_("%(request_label)s of %(employee_name)s waits for you"),
            body=_("%(employee_name)s sent a request (%(request_label)s) that waits for your decision since %(when)s."),
        )
        kind_register(
            "attendance_request_approved",
            title=_("Your %(request_label)s request was approved"),
            body=_("Your request (%(request_label)s) was approved on %(when)s. %(note)s"),
        )
        kind_register(
            "attendance_request_rejected",
            title=_("Your %(request_label)s request was not approved"),
            body=_("Your request (%(request_label)s) was rejected or revoked on %(when)s. %(note)s"),
        )
        kind_register(
            "attendance_request_changed",
            title=_("Your %(request_label)s request was approved with other dates"),
            body=_("Your request (%(request_label)s) was approved on %(when)s for %(dates)s. %(note)s"),
        )
        kind_register(
            "attendance_request_deferred",
            title=_("Your %(request_label)s request was deferred"),
            body=_("Your request (%(request_label)s) was deferred for service needs on %(when)s. %(note)s"),
        )
        kind_register(
            "attendance_request_returned",
            title=_("Your %(request_label)s request was returned"),
            body=_("Your request (%(request_label)s) was returned for revision on %(when)s. %(note)s"),
        )
        kind_register(
            "attendance_request_expired",
            title=_("Your %(request_label)s request expired"),
            body=_("Nobody decided your request (%(request_label)s) in time, so it expired on %(when)s."),
        )
        kind_register(
            "attendance_request_escalated",
            title=_("%(request_label)s of %(employee_name)s was escalated to you"),
            body=_(
                "The request (%(request_label)s) of %(employee_name)s has waited %(days)s working days for "
                "%(approver_name)s. You may now act on it as well."
            ),
        )
        kind_register(
            "attendance_request_reminder",
            title=_("Reminder: %(request_label)s of %(employee_name)s waits for you"),
            body=_(
                "The request (%(request_label)s) of %(employee_name)s has waited %(days)s working days. It was "
                "escalated to %(target_name)s, who may act on it as well."
            ),
        )

        kind_register(
            "attendance_request_reminder_ppk",
            title=_("Reminder: %(request_label)s of %(employee_name)s waits for you"),
            body=_(
                "The request (%(request_label)s) of %(employee_name)s has waited %(days)s working days. It is "
                "decided by the head of the agency in person, so it is not escalated to anyone else."
            ),
        )

        from attendance.requests import register_approval_specs

        # Leave/official duty and corrections are kinds of the one approval engine (docs/rules.md §3).
        register_approval_specs()

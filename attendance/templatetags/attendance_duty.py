"""Today's roster duty as a card (docs/rules.md §8), for the home page: `{% load attendance_duty %}
{% duty_today_card %}`. Nothing is shown to a Monday–Friday employee (one query to find out)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("attendance/check_duty_card.html", takes_context=True)
def duty_today_card(context) -> dict:
    from attendance.today import duty_today
    from flexwork.org.models import Employee

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"duty_day": None}
    employee = Employee.objects.select_related("unit", "agency").filter(user_id=user.pk, is_active=True).first()
    return {"duty_day": duty_today(employee=employee) if employee is not None else None, "on_home": True}

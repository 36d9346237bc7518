"""Moved to flexwork.common.calendar; kept while imports move."""

from flexwork.common.calendar import (  # noqa: F401
    add_months,
    days_between,
    is_working_day,
    iso_week,
    office_date_of,
    office_today,
    office_zone_name,
    week_bounds,
    working_days_between,
)

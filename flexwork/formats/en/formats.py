# English as Indonesian offices write it: day first ("2 Dec 2026"), 24-hour time ("04:07").
# Django date format syntax.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"  # one date format on every page: tables too
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
# Page and section headings about one day: "Wednesday, 2 December 2026" (the heading_date filter).
HEADING_DATE_FORMAT = "l, j F Y"
# A day in a list without its year: "Wed, 2 Dec".
DAY_MONTH_FORMAT = "D, j M"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

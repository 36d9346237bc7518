# Bahasa Indonesia: day first, month abbreviated ("2 Des 2026"), time with a full stop ("04.07"),
# decimal comma ("37,5 jam"). Django date format syntax.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"  # one date format on every page: tables too
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATETIME_FORMAT = "j M Y H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
# Page and section headings about one day: "Rabu, 2 Desember 2026" (the heading_date filter).
HEADING_DATE_FORMAT = "l, j F Y"
# A day in a list without its year: "Rab, 2 Des".
DAY_MONTH_FORMAT = "D, j M"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

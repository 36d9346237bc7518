"""Date, time and number formats of the pages (FORMAT_MODULE_PATH), one file per language.

`{{ d|date }}` gives "2 Des 2026" / "2 Dec 2026", `{{ t|time }}` "04.07" / "04:07",
`{{ d|heading_date }}` (flexwork_tags) "Rabu, 2 Desember 2026" / "Wednesday, 2 December 2026".
What a module leaves out (input formats) comes from Django's own locale files.
"""

"""One date, time and number format per language (flexwork/formats/), and the label helpers of
flexwork/common/labels.py as templates use them."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

DAY = datetime.date(2026, 12, 2)  # a Wednesday
TIME = datetime.time(4, 7)
INSTANT = datetime.datetime(2026, 12, 2, 0, 7, tzinfo=datetime.UTC)  # 08.07 WITA


def render(text: str, language: str, **context) -> str:
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo("Asia/Makassar")):
        return Template("{% load flexwork_tags %}" + text).render(Context(context))


@pytest.mark.parametrize(
    "template, language, expected",
    [
        ("{{ d|date }}", "id", "2 Des 2026"),
        ("{{ d|date }}", "en", "2 Dec 2026"),
        ("{{ d|heading_date }}", "id", "Rabu, 2 Desember 2026"),
        ("{{ d|heading_date }}", "en", "Wednesday, 2 December 2026"),
        ("{{ d|day_month }}", "id", "Rab, 2 Des"),
        ("{{ d|day_month }}", "en", "Wed, 2 Dec"),
        ("{{ t|time }}", "id", "04.07"),
        ("{{ t|time }}", "en", "04:07"),
        ("{{ i|office_datetime }}", "id", "2 Des 2026 08.07 WITA"),
        ("{{ i|office_datetime }}", "en", "2 Dec 2026 08:07 WITA"),
        ("{{ i|heading_date }}", "id", "Rabu, 2 Desember 2026"),
        ("{{ h|floatformat }}", "id", "37,5"),
        ("{{ h|floatformat }}", "en", "37.5"),
        ("{{ h|hours }}", "id", "37,5 jam"),
        ("{{ h|hours }}", "en", "37.5 hours"),
        ("{{ 1|hours }}", "en", "1 hour"),
        ("{{ 40|hours }}", "id", "40 jam"),
    ],
)
def test_dates_times_and_hours_read_the_same_everywhere(template, language, expected):
    assert render(template, language, d=DAY, t=TIME, i=INSTANT, h=37.5) == expected


@pytest.mark.parametrize(
    "template, language, expected",
    [
        ('{% transition "draft" "submitted" %}', "id", "Draf → Diajukan"),
        ('{% transition "draft" "submitted" %}', "en", "Draft → Submitted"),
        ('{% transition "" "draft" %}', "en", "Draft"),
        ('{{ "HOME"|label:"location" }}', "en", "Home"),
        ('{{ "OFFICIAL_DUTY"|label:"location" }}', "en", "Official duty"),
        ('{{ "insert"|label:"audit" }}', "en", "Created"),
        ('{{ "PSW4"|label:"departure" }}', "en", "Left over 90 min early"),
        ('{{ "UNKNOWN"|label:"status" }}', "en", "UNKNOWN"),
        ('{{ ""|label:"status"|default:"—" }}', "en", "—"),
        ('{{ "CAP_WEEKLY"|rule_label }}', "en", "At most 2 flexible days a week"),
        (
            '{% rule "CAP_WEEKLY" show_code=True %}',
            "en",
            'At most 2 flexible days a week <small class="code">CAP_WEEKLY</small>',
        ),
        ('{% rule "CAP_WEEKLY" %}', "en", "At most 2 flexible days a week"),
    ],
)
def test_codes_read_as_words(template, language, expected):
    assert render(template, language) == expected


def test_every_rule_code_of_the_rule_check_has_a_meaning():
    from flexwork.common.labels import RULE_MEANINGS
    from schedules.policy import RULE_CODES

    assert set(RULE_CODES) == set(RULE_MEANINGS)


SAME_IN_BOTH = {"PNS", "PPPK", "JPT", "Administrator", "Semester"}  # the same word in both languages


def test_every_family_label_is_translated_into_indonesian():
    from flexwork.common.labels import families

    untranslated = []
    with translation.override("id"):
        for name, choices in families().items():
            if name in ("language", "report_format"):  # names of themselves: "English", "CSV"
                continue
            for value, label in choices.choices:
                english = str(label)
                with translation.override("en"):
                    english = str(choices(value).label)
                if str(label) == english and english not in SAME_IN_BOTH and not english.isupper():
                    untranslated.append(f"{name}.{value}: {english}")
    assert not untranslated, untranslated

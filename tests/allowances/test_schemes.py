"""The scheme as data (docs/rules.md §10 "Scheme", "Templates"): every shipped template is valid and cites its
source; bad data is refused with a message on its field."""

import pytest
from django.utils import translation

from allowances.schemes import TEMPLATE_FILES, scheme_resolve, scheme_validate, template
from flexwork.common.exceptions import ApplicationError, ConflictError
from tests.allowances.conftest import D


@pytest.mark.parametrize("code", list(TEMPLATE_FILES))
def test_each_template_is_valid_and_cites_its_source(code):
    data = template(code)
    assert scheme_validate(data)
    assert data["source"] and data["notes"] and data["notes_id"]
    rules = scheme_resolve(scheme_validate(data))
    assert rules["cap"] == 100


def refused(data) -> dict:
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        scheme_validate(data)
    return caught.value.fields


def test_weights_must_add_up_to_100():
    data = template("TPP_60_40")
    data["components"][0]["weight"] = 70
    assert "must add up to 100 (now 110)" in refused(data)["components"][0]


def test_whole_cannot_be_split_and_cuts_fall_on_one_component():
    data = template("PMA_11_2019")
    data["components"].append({"code": "DISIPLIN", "weight": 0, "cuts": True})
    assert len(refused(data)["components"]) == 2


def test_percentages_days_rounding_and_switches_are_checked():
    data = template("PMA_11_2019")
    data["bands"]["TL1"] = 101
    data["events"]["TK"] = {"pct": "x"}
    data["leave"]["CS"]["free_days"] = -1
    data["rounding"] = 9
    data["thresholds"]["tk_consecutive_full_cut"] = 0
    data["switches"]["minutes_to_tk"] = True
    data["events"]["HKD"] = {"as": "PSW4"}
    fields = refused(data)
    assert set(fields) >= {
        "band_TL1",
        "tk_pct",
        "leave_CS_free_days",
        "rounding",
        "tk_consecutive",
        "switch_minutes_to_tk",
        "hkd",
    }


@pytest.mark.django_db
def test_a_second_scheme_for_the_same_month_is_a_conflict(hr_admin_a):
    from allowances.services import scheme_clone

    agency_id = hr_admin_a.employee.agency_id
    scheme_clone(actor=hr_admin_a, agency_id=agency_id, template_code="PMA_11_2019", effective_from=D(2026, 5, 1))
    with pytest.raises(ConflictError):
        scheme_clone(actor=hr_admin_a, agency_id=agency_id, template_code="TPP_60_40", effective_from=D(2026, 5, 1))
    with pytest.raises(ApplicationError) as caught:
        scheme_clone(actor=hr_admin_a, agency_id=agency_id, template_code="TPP_60_40", effective_from=D(2026, 5, 2))
    assert "effective_from" in caught.value.fields

import datetime

import pytest
from django.core.exceptions import ValidationError

from flexwork.org.validators import validate_nip
from tests.org.factories import nip_for

TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize("nip,employee_type", [("198503302010011002", "PNS"), ("199001152023211001", "PPPK")])
def test_it_accepts_valid_pns_and_pppk_nips(nip, employee_type):
    validate_nip(nip, employee_type=employee_type, today=TODAY)


def test_it_accepts_pppk_digits_that_are_no_month():
    validate_nip("199001152023991001", employee_type="PPPK", today=TODAY)
    validate_nip("199001152023991001", employee_type="PPPK_PARUH_WAKTU", today=TODAY)


@pytest.mark.parametrize(
    "nip,employee_type,code",
    [
        ("19850330201001100", "PNS", "nip_format"),  # 17 digits
        ("1985033020100110021", "PNS", "nip_format"),  # 19 digits
        ("19850330 201001100", "PNS", "nip_format"),  # a space
        ("1985033020100110O2", "PNS", "nip_format"),  # a letter O
        ("١٩٨٥٠٣٣٠٢٠١٠٠١١٠٠٢", "PNS", "nip_format"),  # non-ASCII digits
        ("198502302010011002", "PNS", "nip_birth_date"),  # 30 February
        ("198513012010011002", "PNS", "nip_birth_date"),  # month 13
        ("198503301959011002", "PNS", "nip_start_year"),  # before 1960
        ("198503302027011002", "PNS", "nip_start_year"),  # next year
        ("198503302010131002", "PNS", "nip_start_month"),  # month 13 for a PNS
        ("198503302010001002", "PNS", "nip_start_month"),  # month 00 for a PNS
        ("198503302010013002", "PNS", "nip_sex_digit"),
        ("198503302010011000", "PNS", "nip_sequence"),
    ],
)
def test_it_rejects_each_kind_of_bad_nip_with_its_own_message(nip, employee_type, code):
    with pytest.raises(ValidationError) as caught:
        validate_nip(nip, employee_type=employee_type, today=TODAY)
    assert caught.value.code == code


def test_each_failure_has_a_distinct_message():
    bad = [
        "1",
        "198502302010011002",
        "198503301959011002",
        "198503302010131002",
        "198503302010013002",
        "198503302010011000",
    ]
    messages = set()
    for nip in bad:
        with pytest.raises(ValidationError) as caught:
            validate_nip(nip, today=TODAY)
        messages.add(caught.value.messages[0])
    assert len(messages) == len(bad)


def test_factory_nips_are_valid():
    for n in range(1, 400):
        validate_nip(nip_for(n), employee_type="PNS")
        validate_nip(nip_for(n, employee_type="PPPK"), employee_type="PPPK")

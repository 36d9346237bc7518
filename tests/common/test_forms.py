from decimal import Decimal

import pytest
from django import forms

from flexwork.common.forms import DecimalCommaField


class QuantityForm(forms.Form):
    quantity = DecimalCommaField(max_digits=8, decimal_places=2)


@pytest.mark.parametrize(
    ("given", "value"), [("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")), (" 3 ", Decimal("3"))]
)
def test_it_accepts_a_decimal_comma_or_point(given, value):
    form = QuantityForm(data={"quantity": given})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == value


@pytest.mark.parametrize("given", ["1.234,5", "1,234.5", "12,5,0", "dua belas"])
def test_it_refuses_thousands_separators_and_words(given):
    form = QuantityForm(data={"quantity": given})

    assert not form.is_valid()
    assert "quantity" in form.errors


def test_it_renders_a_text_input_with_a_decimal_keypad():
    html = str(QuantityForm()["quantity"])

    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html

from decimal import Decimal

import pytest
from django import forms

from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import DecimalCommaField, form_error_show


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


class ReasonForm(forms.Form):
    reason = forms.CharField()
    password1 = forms.CharField()
    target = forms.IntegerField(required=False)


def shown(error, **kwargs):
    form = ReasonForm(data={"reason": "x", "password1": "y"})
    assert form.is_valid()
    form_error_show(form, error, **kwargs)
    return {name: list(messages) for name, messages in form.errors.items()}


def test_a_field_message_goes_onto_its_field_and_nothing_on_top():
    error = ApplicationError("Give a reason.", fields={"reason": ["Give a reason."]})
    assert shown(error) == {"reason": ["Give a reason."]}


def test_messages_of_fields_the_form_lacks_go_on_top_with_the_summary():
    error = ApplicationError(
        "The request cannot be saved.", fields={"dates": ["Pick a day."], "reason": ["Too short."]}
    )
    assert shown(error) == {"reason": ["Too short."], "__all__": ["Pick a day."]}
    only_unknown = ApplicationError("The request cannot be saved.", fields={"dates": ["Pick a day."]})
    assert shown(only_unknown) == {"__all__": ["The request cannot be saved.", "Pick a day."]}


def test_without_fields_the_message_is_shown_once_on_top():
    assert shown(ApplicationError("Nobody decides this request.")) == {"__all__": ["Nobody decides this request."]}
    repeated = ApplicationError("Nobody decides this request.", fields={"unit": ["Nobody decides this request."]})
    assert shown(repeated) == {"__all__": ["Nobody decides this request."]}


def test_names_are_mapped_and_dotted_names_reach_their_last_part():
    error = ApplicationError("Weak.", fields={"password": ["Too weak."], "periods.0.target": ["Above the maximum."]})
    assert shown(error, field_names={"password": "password1"}) == {
        "password1": ["Too weak."],
        "target": ["Above the maximum."],
    }


def test_rule_violations_keep_the_summary_on_top_even_when_fields_are_placed():
    error = ApplicationError(
        "The request breaks 1 rule.", fields={"reason": ["Give a reason."]}, violations=[{"code": "MAX_DAYS"}]
    )
    assert shown(error) == {"reason": ["Give a reason."], "__all__": ["The request breaks 1 rule."]}

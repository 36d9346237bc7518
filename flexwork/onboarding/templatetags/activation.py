"""{% activation_link activation_code_id activate_url %}: the link of an activation e-mail, rendered
when the e-mail is sent (flexwork.onboarding.services.activation_link_for), so that the code in it
is stored nowhere."""

from django import template

register = template.Library()


@register.simple_tag
def activation_link(activation_code_id, activate_url) -> str:
    from flexwork.onboarding.services import activation_link_for

    if not activation_code_id or not activate_url:
        return ""
    return activation_link_for(activation_code_id=activation_code_id, activate_url=activate_url)

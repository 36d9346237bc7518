from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "flexwork.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from flexwork.notifications.kinds import kind_register
        from flexwork.onboarding import handlers  # noqa: F401 (registers the outbox handler)
        from flexwork.onboarding.receivers import remember_roles

        # The menus' roles, once per login (flexwork/common/nav.py).
        user_logged_in.connect(remember_roles, dispatch_uid="onboarding-remember-roles")

        kind_register(
            "activation_link",
            title=_("Activate your FlexWork account"),
            # The link itself is only in the e-mail, rendered when it is sent: its code is stored nowhere.
            body=_(
                "Your HR administrator created a FlexWork account for you and e-mailed you a link to choose "
                "your password. The link can be used once and expires on %(expires_at)s."
            ),
        )
        kind_register(
            "mfa_reset",
            title=_("Your two-factor authentication was reset"),
            body=_(
                "An HR administrator removed the authenticator apps from your account on %(when)s. Set up "
                "two-factor authentication again at your next login. If you did not ask for this, tell HR at once."
            ),
        )
        kind_register(
            "home_location_submitted",
            title=_("%(name)s sent a home location for your approval"),
            body=_(
                "%(name)s sent the home location used on their work-from-home days on %(when)s. Check the "
                "address and the distance from the office, then approve or reject it."
            ),
        )
        kind_register(
            "home_location_approved",
            title=_("Your home location was approved"),
            body=_("Your registered home location was approved on %(when)s. It is used on your work-from-home days."),
            email=False,
        )
        kind_register(
            "home_location_rejected",
            title=_("Your home location was not approved"),
            body=_("Your request to register a home location was rejected on %(when)s. You can send a new one."),
            email=False,
        )

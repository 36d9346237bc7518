from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts come from HR's import or the platform operator, never from self sign-up.
        return False


class MfaAdapter(DefaultMFAAdapter):
    pass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the vendor or by invitation, never by open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    """allauth.mfa, with TOTP kept by vendor staff when it is required of them."""

    def can_delete_authenticator(self, authenticator) -> bool:
        from allauth.mfa.models import Authenticator

        from openprm.accounts.mfa import vendor_mfa_required

        if authenticator.type == Authenticator.Type.TOTP and vendor_mfa_required(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)

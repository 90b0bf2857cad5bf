"""Access policies of sign-in (django-allauth) and account routes."""

from openprm.accounts.tests.policies_tokens import TOKEN_POLICIES
from openprm.testing.authz import Policy, public, signed_in, signed_in_hidden

POLICIES = [
    # Sign-in, sign-up (closed), password reset and email confirmation are open.
    Policy("web:account_login", public()),
    Policy("web:account_logout", signed_in()),
    Policy("web:account_inactive", public()),
    Policy("web:account_signup", public()),
    Policy("web:account_reset_password", public()),
    Policy("web:account_reset_password_done", public()),
    Policy("web:account_reset_password_from_key_done", public()),
    Policy(
        "web:account_reset_password_from_key",
        public(),
        kwargs=lambda obj: {"uidb36": "1", "key": "invalid-key"},
    ),
    Policy(
        "web:account_confirm_email", public(), kwargs=lambda obj: {"key": "invalid"}
    ),
    Policy("web:account_email_verification_sent", public()),
    # Steps of a sign-in in progress: without one they send you to sign in.
    Policy("web:account_confirm_login_code", signed_in()),
    Policy("web:mfa_authenticate", signed_in()),
    # Managing one's own account needs a signed-in, active user.
    Policy("web:account_email", signed_in()),
    Policy("web:account_change_password", signed_in()),
    Policy("web:account_set_password", signed_in()),
    Policy("web:account_reauthenticate", signed_in()),
    Policy("web:account_request_reauthentication_code", signed_in()),
    Policy("web:account_confirm_reauthentication_code", signed_in()),
    Policy("web:mfa_index", signed_in()),
    Policy("web:mfa_reauthenticate", signed_in()),
    Policy("web:mfa_activate_totp", signed_in()),
    # Exist only once the user has set up TOTP; the harness's users have not.
    Policy("web:mfa_deactivate_totp", signed_in_hidden()),
    Policy("web:mfa_view_recovery_codes", signed_in_hidden()),
    Policy("web:mfa_generate_recovery_codes", signed_in()),  # redirects to set-up
    Policy("web:mfa_download_recovery_codes", signed_in_hidden()),
    # API tokens: each signed-in user their own (policies_tokens.py).
    *TOKEN_POLICIES,
]

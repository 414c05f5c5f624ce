"""Small helpers shared by the test folders."""

from accounts.access import SESSION_KEY


def log_in_with_second_factor(client, user) -> None:
    """``client.force_login`` for staff: the session also records a passed second factor, as
    entering an authenticator code does (tests/accounts/test_staff_access.py walks the real
    thing), since the admin opens only to such sessions."""
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session.save()


# A fixed authenticator-app key for test staff (base32), so tests can compute its codes.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator_app(user, secret: str = STAFF_TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_used
from django.dispatch import receiver

from .access import record_second_factor


@receiver(authenticator_used)
def second_factor_used(sender, request, user, authenticator, **kwargs) -> None:
    """A TOTP or recovery code was entered to log in or to re-authenticate."""
    if request is not None:
        record_second_factor(request, user)


@receiver(authenticator_added)
def second_factor_set_up(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an authenticator app means entering a code it made: that is a second factor."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_second_factor(request, user)

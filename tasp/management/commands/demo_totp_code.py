"""The demo staff account's current authenticator code, for the admin's second factor (DEBUG only)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .seed_demo import STAFF_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo staff account's current two-factor code (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp_code is for the demo: run it with DJANGO_DEBUG=true.")
        counter, into = divmod(int(time.time()), mfa_settings.TOTP_PERIOD)
        code = format_hotp_value(hotp_value(STAFF_TOTP_SECRET, counter))
        self.stdout.write(f"{code} (valid for {mfa_settings.TOTP_PERIOD - into} more seconds)")

"""Demo data for a local run: safe to run again, it updates what it made before.

Each app adds its part in a ``seed_demo`` function in ``<app>/demo.py``; this command calls them
in dependency order.
"""

from importlib import import_module

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import mark_address_verified

STAFF_EMAIL = "staff@tasp.example.org"
STAFF_PASSWORD = "tasp-demo-staff"  # demo only: the command refuses to run in production
# The demo staff account's authenticator-app key (base32), so developers can pass the admin's
# second factor: add it to an authenticator app, or run `python manage.py demo_totp_code`.
STAFF_TOTP_SECRET = "TASPDEMOSTAFFTOTPKEYFORLOCALUSE2"
APPS_IN_ORDER = ["membership", "newsletters", "vacancies", "resources", "events"]


class Command(BaseCommand):
    help = "Create or refresh demo data and a staff login (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-login", action="store_true", help="Do not print the login.")

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes a known staff password: run it with DJANGO_DEBUG=true."
            )
        staff, _ = User.objects.update_or_create(
            email=STAFF_EMAIL,
            defaults={"full_name": "Demo Staff", "is_staff": True, "is_superuser": True},
        )
        staff.set_password(STAFF_PASSWORD)
        staff.save()
        if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(staff, STAFF_TOTP_SECRET)
        for label in APPS_IN_ORDER:
            try:
                demo = import_module(f"{label}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{label}.demo":
                    raise
                continue
            for line in demo.seed_demo(staff=staff):
                self.stdout.write(f"  {label}: {line}")
        for user in User.objects.filter(emailaddress__isnull=True):
            mark_address_verified(user)  # demo people: their addresses count as confirmed
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        if not options["quiet_login"]:
            self.stdout.write(
                f"Staff login: {STAFF_EMAIL} / {STAFF_PASSWORD}, then the six-digit code that"
                " `DJANGO_DEBUG=true .venv/bin/python manage.py demo_totp_code` prints (or add the key"
                f" {STAFF_TOTP_SECRET} to an authenticator app)."
            )

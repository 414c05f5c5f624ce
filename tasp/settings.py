"""Settings for the TASP site: one module, read from the environment.

The defaults need no server: SQLite, a filesystem Celery broker and a file outbox, all under
``var/``. Production names its servers with URLs (``DATABASE_URL``, ``REDIS_URL``,
``EMAIL_URL``) and must name its secrets: with ``DJANGO_DEBUG`` off a missing
``DJANGO_SECRET_KEY`` or ``DJANGO_ALLOWED_HOSTS`` stops start-up.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env")  # local convenience; real environment variables win
VAR_DIR = Path(
    env.str("TASP_VAR_DIR", default=str(BASE_DIR / "var"))
)  # SQLite, broker, outbox; git-ignored

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-tasp-dev-only")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")  # ImproperlyConfigured when missing: no silent default
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Absolute links in emails (unsubscribe, magic links, images): production must say where it is,
# or every emailed link would point at this machine.
SITE_URL = (env("SITE_URL", default="http://127.0.0.1:8000") if DEBUG else env("SITE_URL")).rstrip(
    "/"
)
if not DEBUG:
    from urllib.parse import urlsplit

    _site = urlsplit(SITE_URL)
    # One-click unsubscribe (RFC 8058) needs an https link; only a stack on this machine's
    # loopback (the production stage of make test) may go without.
    if _site.scheme != "https" and _site.hostname not in ("127.0.0.1", "localhost", "::1"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SITE_URL must be an https address in production (it is {SITE_URL}): emailed "
            "links, one-click unsubscribe among them, must not travel in clear."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "nested_admin",
    "django_prose_editor",  # the newsletter issue editor (newsletters/editor.py)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "sequences",
    "tasp",
    "accounts",
    "billing",
    "membership",
    "newsletters",
    "vacancies",
    "resources",
    "events",
]

MIDDLEWARE = [
    # First: everything after it (rate limits, consent records, django-axes) sees the client's
    # address, not the proxy's, when PROXY_COUNT proxies stand in front.
    "tasp.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policy and Permissions-Policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tasp.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tasp.urls"
WSGI_APPLICATION = "tasp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tasp.context_processors.site",
                "django.template.context_processors.csp",  # csp_nonce for inline scripts
            ],
        },
    },
]

# --- Database ---
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tasp.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the worker and beat share one file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default (4) prices a random read as if on a spinning disk, and then sorts a
    # whole table rather than read a deep page of the archive or the sitemap in index order;
    # 1.1 is the usual figure for SSD and cloud storage (tests/test_query_plans.py checks plans).
    _page_cost = env.float("DATABASE_RANDOM_PAGE_COST", default=1.1)
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_page_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A file cache is shared by every local process, so rate limits hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Anonymous public pages (home, archive, issues, feeds, vacancies, fees, events, resources) are
# kept this many seconds at most, and renewed as soon as what they show changes
# (tasp/public_cache.py); 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

# --- Accounts ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sign-up, log-in, emailed codes, password reset and email change (django-allauth). Anyone may
# sign up; nobody logs in until the address is verified. Links in its emails use SITE_URL.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner's GET must not confirm an address
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True  # the same email either way: nothing to enumerate
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "TASP: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Per IP and per address: allauth lower-cases the address it counts by.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/h/ip,5/h/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Two-factor authentication (allauth.mfa): staff need it for the admin (accounts.admin_access).
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "TASP"
MFA_TRUST_ENABLED = False

# Magic links (django-sesame): valid for a week, for one login, and only for logging in.
SESAME_MAX_AGE = env.int("SESAME_MAX_AGE", default=60 * 60 * 24 * 7)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"

# Login rate limit (django-axes): five failures per address and IP lock out for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.axes.lockout_username"
AXES_VERBOSE = False
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# tasp.middleware.ClientAddressMiddleware has already put the client's address there.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

RATELIMIT_VIEW = "tasp.views.rate_limited"

# --- Internationalisation ---
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
CURRENCY = "GBP"

# --- Static and media files ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads (newsletter images, job packs) are served by Django unless a proxy in front serves
# MEDIA_ROOT at /media/ itself (then set this false).
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
# Members' resources: files served only by resources.views.download, which checks access.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ---
# EMAIL_URL names an SMTP server (smtp://user:pass@host:587/?tls=True); EMAIL_BACKEND may name
# an ESP backend from django-anymail instead. Without either, mail goes to the outbox folder.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TASP <office@tasp.example.org>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
STAFF_NOTIFICATION_EMAILS = env.list(
    "STAFF_NOTIFICATION_EMAILS", default=["office@tasp.example.org"]
)
EMAIL_OUTBOX_DIR = VAR_DIR / "outbox"
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = EMAIL_OUTBOX_DIR
EMAIL_TIMEOUT = 30
ANYMAIL = env.dict("ANYMAIL", default={})
# The ESP's tracking webhooks (bounces, complaints) under /anymail/ are mounted only with this
# secret ("user:password" for HTTP basic auth, as the ESP's webhook settings are given it).
if env("ANYMAIL_WEBHOOK_SECRET", default=""):
    ANYMAIL["WEBHOOK_SECRET"] = env("ANYMAIL_WEBHOOK_SECRET")

# --- Celery ---
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
else:
    # kombu's filesystem transport: a real broker in three folders, consumed by a real worker.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast (control) messages: kombu's default is a control/ folder in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # safe because every task is idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat looks for newsletter batches nobody is sending (see NEWSLETTER_BATCH_LEASE).
NEWSLETTER_SWEEP_SECONDS = env.int("NEWSLETTER_SWEEP_SECONDS", default=15)
CELERY_BEAT_SCHEDULE: dict = {
    "membership-reminders": {
        # The rules are in days; a row per reminder sent stops repeats within a day.
        "task": "membership.tasks.send_reminders_task",
        "schedule": 6 * 60 * 60.0,
    },
    "membership-lapse-unpaid": {
        "task": "membership.tasks.lapse_unpaid_task",
        "schedule": 6 * 60 * 60.0,
    },
    "signup-purge": {"task": "newsletters.tasks.purge_expired_signups_task", "schedule": 3600.0},
    "start-due-newsletter-sends": {
        "task": "newsletters.tasks.start_due_sends_task",
        "schedule": 60.0,
    },
    "requeue-stale-newsletter-batches": {
        "task": "newsletters.tasks.requeue_stale_batches_task",
        "schedule": float(NEWSLETTER_SWEEP_SECONDS),
    },
    # A subscriber import whose worker died carries on from its last checkpoint.
    "import-sweeper": {"task": "newsletters.tasks.requeue_stalled_imports_task", "schedule": 60.0},
    "close-expired-vacancies": {
        "task": "vacancies.tasks.close_expired_vacancies_task",
        "schedule": 15 * 60.0,  # an advert closes within a quarter of an hour of midnight
    },
    "remind-closing-vacancies": {
        "task": "vacancies.tasks.remind_closing_vacancies_task",
        "schedule": 60 * 60.0,
    },
    "send-vacancy-digest": {
        "task": "vacancies.tasks.send_vacancy_digest_task",
        "schedule": 60 * 60.0,  # sends once a day from 07:00 London time, if staff chose a digest
    },
    "events-waiting-lists": {
        # Offers that ran out go to the next person within a quarter of an hour.
        "task": "events.tasks.offer_places_everywhere_task",
        "schedule": 15 * 60.0,
    },
    "events-daily": {
        # Booking-opened notices, joining instructions, day-before reminders, and access
        # requirements deleted after the event: each sent or done once.
        "task": "events.tasks.daily_task",
        "schedule": 60 * 60.0,
    },
}

# --- Security ---
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Enforced in development too, so a page the policy breaks breaks before it is deployed. Inline
# scripts carry {{ csp_nonce }}; there are no inline styles or event handlers on site or admin
# pages. The admin's HTML email preview, whose CSS is inlined for mail clients, has its own
# policy (newsletters.admin.EMAIL_PREVIEW_CSP), and uploads are served sandboxed (tasp.views).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],  # data: for Bootstrap's form-control icons
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    # Paying an invoice POSTs here and is redirected to Stripe Checkout, which browsers check.
    "form-action": [CSP.SELF, "https://checkout.stripe.com"],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page uses, off for every page and anything embedded in one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "tasp.views.csrf_failure"
# /_probe/error/ raises, so a deployment can prove its own 500 page and error reporting; off
# unless asked for (the production stage of `make test` turns it on).
ERROR_PROBE = env.bool("DJANGO_ERROR_PROBE", default=False)

# --- Charity details (footer, invoices) ---
CHARITY = {
    "name": "The Association of Safeguarding Partners",
    "short_name": "TASP",
    "email": env("CHARITY_EMAIL", default="office@tasp.example.org"),
    "phone": env("CHARITY_PHONE", default="01632 960 000"),
    "address": env.list(
        "CHARITY_ADDRESS", default=["TASP", "PO Box 0000", "Example Town", "AB1 2CD"]
    ),
    "charity_number": env("CHARITY_NUMBER", default="1000000"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

for _folder in (VAR_DIR, EMAIL_OUTBOX_DIR):
    _folder.mkdir(parents=True, exist_ok=True)

# --- Newsletters ---
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=1000)
# A batch's worker holds a lease this long, renewing it; a dead worker's batch goes to another once
# the lease runs out and the sweeper queues it again. Each sends over this many SMTP connections.
NEWSLETTER_BATCH_LEASE = env.int("NEWSLETTER_BATCH_LEASE", default=30)  # seconds
NEWSLETTER_SMTP_CONNECTIONS = env.int("NEWSLETTER_SMTP_CONNECTIONS", default=8)
NEWSLETTER_RETRY_BASE_SECONDS = env.int("NEWSLETTER_RETRY_BASE_SECONDS", default=60)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
# Batch runs in a row that could not reach the mail server before the send pauses itself.
NEWSLETTER_MAX_CONNECTION_FAILURES = env.int("NEWSLETTER_MAX_CONNECTION_FAILURES", default=5)
NEWSLETTER_MAX_RATE = env.int("NEWSLETTER_MAX_RATE", default=0)  # messages/second; 0 = no limit
NEWSLETTER_ERROR_THRESHOLD = env.float("NEWSLETTER_ERROR_THRESHOLD", default=0.2)
NEWSLETTER_ERROR_MINIMUM = env.int("NEWSLETTER_ERROR_MINIMUM", default=50)
NEWSLETTER_CONFIRM_MAX_AGE = 7 * 24 * 3600  # then an unconfirmed sign-up is deleted
NEWSLETTER_TRACKING = env.bool("NEWSLETTER_TRACKING", default=True)  # opens, clicks: per send

# --- Vacancies ---
VACANCY_JOB_PACK_MAX_BYTES = env.int("VACANCY_JOB_PACK_MAX_BYTES", default=5 * 1024 * 1024)
# The posting views stop reading an upload past the limit above (vacancies.uploads); a .docx
# (a zip) is refused when its parts unpack to more than this (vacancies.validators).
VACANCY_JOB_PACK_MAX_EXPANDED_BYTES = env.int(
    "VACANCY_JOB_PACK_MAX_EXPANDED_BYTES", default=50 * 1024 * 1024
)
VACANCY_CLOSING_SOON_DAYS = 2  # posters are told this many days before the closing date
VACANCY_POST_RATE = env("VACANCY_POST_RATE", default="10/h")  # per user and per IP

# --- Membership and invoices ---
# Events: how long a freed place is held for the next person on the waiting list, and how many
# days after an event its delegates' access requirements (personal data) are deleted.
EVENTS_OFFER_HOURS = env.int("EVENTS_OFFER_HOURS", default=48)
EVENTS_ACCESS_REQUIREMENTS_DAYS = env.int("EVENTS_ACCESS_REQUIREMENTS_DAYS", default=7)
MEMBERSHIP_RENEWAL_WINDOW_DAYS = env.int("MEMBERSHIP_RENEWAL_WINDOW_DAYS", default=90)
MEMBERSHIP_GRACE_DAYS = env.int("MEMBERSHIP_GRACE_DAYS", default=60)  # unpaid after 1 April
# Adding representatives during the year into a higher band invoices the difference in fees:
# "pro_rata" (for the days left in the year) or "full".
MEMBERSHIP_MIDYEAR_CHARGE = env("MEMBERSHIP_MIDYEAR_CHARGE", default="pro_rata")
if MEMBERSHIP_MIDYEAR_CHARGE not in ("pro_rata", "full"):
    raise ImproperlyConfigured('MEMBERSHIP_MIDYEAR_CHARGE must be "pro_rata" or "full".')
INVOICE_NUMBER_PREFIX = env("INVOICE_NUMBER_PREFIX", default="TASP")
INVOICE_PAYMENT_TERMS_DAYS = env.int("INVOICE_PAYMENT_TERMS_DAYS", default=30)
# VAT treatment is the accountant's call: standard, zero, exempt or outside_scope.
INVOICE_VAT_TREATMENT = env("INVOICE_VAT_TREATMENT", default="outside_scope")
MEMBERSHIP_VAT_TREATMENT = env("MEMBERSHIP_VAT_TREATMENT", default=INVOICE_VAT_TREATMENT)
INVOICE_VAT_STANDARD_RATE = env("INVOICE_VAT_STANDARD_RATE", default="20.00")
INVOICE_VAT_NUMBER = env("INVOICE_VAT_NUMBER", default="")  # printed when registered
INVOICE_BANK_DETAILS = {
    "account_name": env("INVOICE_BANK_ACCOUNT_NAME", default=CHARITY["name"]),
    "bank": env("INVOICE_BANK_NAME", default="Example Bank plc"),
    "sort_code": env("INVOICE_BANK_SORT_CODE", default="00-00-00"),
    "account_number": env("INVOICE_BANK_ACCOUNT_NUMBER", default="00000000"),
}
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")  # card payments are off without it
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")

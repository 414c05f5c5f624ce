from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def esp_webhook_secret(app_configs, **kwargs):
    """An ESP sends bounces and complaints to /anymail/: without a secret they are not mounted."""
    if settings.EMAIL_BACKEND.startswith("anymail.") and not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return [
            Warning(
                "EMAIL_BACKEND is an ESP but ANYMAIL_WEBHOOK_SECRET is not set, so its bounce "
                "and complaint webhooks are not mounted and bounces will not be recorded.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to a random user:password and give the ESP "
                "https://user:password@<site>/anymail/<esp>/tracking/ as its webhook URL.",
                id="tasp.W001",
            )
        ]
    return []

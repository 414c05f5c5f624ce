from django.conf import settings


def site(request):
    return {"charity": settings.CHARITY, "site_url": settings.SITE_URL}

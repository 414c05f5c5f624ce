from django.conf import settings


class ClientAddressMiddleware:
    """Behind PROXY_COUNT trusted proxies, REMOTE_ADDR is the nearest proxy. Each proxy appends
    the address it received from to X-Forwarded-For, so the client is the entry PROXY_COUNT
    from the right; anything left of it came from the client and could be forged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            if len(hops) >= count:
                request.META["REMOTE_ADDR"] = hops[-count]
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY ({"camera": [], ...}) as a Permissions-Policy header:
    an empty list turns the feature off, "self" or quoted origins allow it there."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response

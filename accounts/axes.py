def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The address a login attempt names, lower-cased so changing its case does not dodge a lockout."""
    credentials = credentials or {}
    data = getattr(request, "POST", {}) or {}
    username = credentials.get("username") or credentials.get("email") or data.get("username")
    return username.strip().lower() if isinstance(username, str) else None

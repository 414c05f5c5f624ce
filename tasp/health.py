"""Checks behind /healthz: each answers True when its server answers."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection

from .celery import app

logger = logging.getLogger(__name__)


def database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database down")
        return False


def broker_up() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True
    except Exception:
        logger.exception("Health check: broker down")
        return False


def cache_up() -> bool:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
        return ok
    except Exception:
        logger.exception("Health check: cache down")
        return False


CHECKS = {"database": database_up, "broker": broker_up, "cache": cache_up}


def report() -> dict[str, str]:
    return {name: "up" if check() else "down" for name, check in CHECKS.items()}

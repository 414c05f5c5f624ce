"""The Celery app of benchmark workers only: ``manage.py bench_send`` starts its workers with
``-A newsletters.bench_worker``. It is the production app plus a count of every SQL query the
workers' tasks make, added up in Redis under the key in TASP_COUNT_QUERIES."""

import os

import redis
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connection

from tasp.celery import app

__all__ = ["app"]

_counted = {"queries": 0}


def _count(execute, sql, params, many, context):
    _counted["queries"] += 1
    return execute(sql, params, many, context)


@task_prerun.connect
def _install_counter(**kwargs):
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


@task_postrun.connect
def _flush_counter(**kwargs):
    count, _counted["queries"] = _counted["queries"], 0
    redis.Redis.from_url(settings.REDIS_URL).incrby(os.environ["TASP_COUNT_QUERIES"], count)

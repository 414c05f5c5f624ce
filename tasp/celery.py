import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tasp.settings")

app = Celery("tasp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if os.environ.get("TASP_COUNT_QUERIES"):
    # Benchmarks (manage.py bench_send) count every SQL query the workers make, in Redis.
    from celery.signals import task_postrun, task_prerun

    _counted = {"queries": 0}

    def _count(execute, sql, params, many, context):
        _counted["queries"] += 1
        return execute(sql, params, many, context)

    @task_prerun.connect
    def _install_counter(**kwargs):
        from django.db import connection

        if _count not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count)

    @task_postrun.connect
    def _flush_counter(**kwargs):
        import redis
        from django.conf import settings

        count, _counted["queries"] = _counted["queries"], 0
        redis.Redis.from_url(settings.REDIS_URL).incrby(os.environ["TASP_COUNT_QUERIES"], count)

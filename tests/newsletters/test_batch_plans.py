"""A batch costs the same whatever the size of its send: each query that sending one batch runs
reads about the batch's own rows of the deliveries table, not the whole send's queue. The plans
are PostgreSQL's for a send just started, before any ANALYZE has seen its rows, as when a real
send begins; each SELECT is run again under EXPLAIN ANALYZE, which counts the rows it read."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters import sending
from newsletters.models import Send, Subscriber, Subscription
from tests.newsletters.factories import IssueFactory

pytestmark = pytest.mark.django_db

READERS = 10_000
BATCH = 500


def rows_read(node: dict, table: str) -> int:
    """Rows a plan read from ``table``: those it kept and those its filters threw away."""
    count = 0
    if node.get("Relation Name") == table:
        kept = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        count += kept * node.get("Actual Loops", 1)
    return count + sum(rows_read(child, table) for child in node.get("Plans", []))


def test_rows_read_counts_what_filters_threw_away():
    plan = {
        "Node Type": "Sort",
        "Plans": [
            {
                "Relation Name": "newsletters_delivery",
                "Actual Rows": 10,
                "Rows Removed by Filter": 990,
                "Actual Loops": 1,
            }
        ],
    }
    assert rows_read(plan, "newsletters_delivery") == 1000
    assert rows_read(plan, "newsletters_send") == 0


def test_sending_the_last_batch_reads_its_own_rows_not_the_whole_queue(newsletter, settings):
    if connection.vendor != "postgresql":
        pytest.fail("The query-plan test needs PostgreSQL (make test uses it).")
    settings.NEWSLETTER_BATCH_SIZE = BATCH
    readers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.com", status=Subscriber.Status.ACTIVE)
        for n in range(READERS)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=reader, newsletter=newsletter) for reader in readers
    )
    send = Send.objects.create(issue=IssueFactory(newsletter=newsletter), newsletter=newsletter)
    batches = sending.start_send(send_id=send.pk)

    with CaptureQueriesContext(connection) as captured:
        sending.send_batch(batch_id=batches[-1].pk)

    assert send.deliveries.filter(status="sent").count() == BATCH
    read = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "newsletters_delivery" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        read[sql] = rows_read(plan[0]["Plan"], "newsletters_delivery")
    assert len(read) >= 2  # the batch's rows, and what is left of them afterwards
    too_many = {sql: rows for sql, rows in read.items() if rows > BATCH}
    assert not too_many, too_many

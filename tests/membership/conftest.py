import pytest


@pytest.fixture
def business_manager(django_user_model):
    return django_user_model.objects.create_user(
        email="manager@example.org", password="a-strong-user-pass", full_name="Pat Manager"
    )


@pytest.fixture
def other_manager(django_user_model):
    return django_user_model.objects.create_user(
        email="other@example.org", password="a-strong-user-pass", full_name="Oli Other"
    )


@pytest.fixture
def eager_tasks(tasks):
    """Run queued tasks in-process for this test, so emails land in ``mailoutbox`` once the
    on-commit callbacks run (the integration tests use a real worker instead)."""
    tasks.eager = True


@pytest.fixture
def sent_mail(eager_tasks, mailoutbox, django_capture_on_commit_callbacks):
    """A context manager: mail queued inside it is sent on exit; yields the outbox."""
    from contextlib import contextmanager

    @contextmanager
    def capture():
        with django_capture_on_commit_callbacks(execute=True):
            yield mailoutbox

    return capture


@pytest.fixture(autouse=True)
def seeded_fee_schedules(request):
    """The fee schedules and reminder rules come from data migrations; a transactional test
    elsewhere truncates every table, so put them back: the reminder rules as the migrations
    left them, then the fee schedules from the (idempotent) seed."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    from membership.models import ReminderRule

    if not ReminderRule.objects.exists():
        rules = request.getfixturevalue("migrated_reminder_rules")
        ReminderRule.objects.bulk_create(ReminderRule(**rule) for rule in rules)
    import_module("membership.migrations.0002_seed_fees_and_reminders").seed(apps, None)


class FakeStripe:
    """A local stand-in for Stripe's API over real HTTP: the stripe client makes its real
    requests (form-encoded, with the secret key) and gets Stripe-shaped JSON back."""

    def __init__(self):
        self.requests = []
        self.sessions = {}

    def handler(self):
        import json
        from http.server import BaseHTTPRequestHandler
        from urllib.parse import parse_qs

        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                fake.requests.append(("POST", self.path, form, self.headers.get("Authorization")))
                if self.path != "/v1/checkout/sessions":
                    return self._reply(404, {"error": {"message": "not faked"}})
                session_id = f"cs_test_{len(fake.sessions) + 1}"
                amount = int(form["line_items[0][price_data][unit_amount]"][0])
                session = {
                    "id": session_id,
                    "object": "checkout.session",
                    "url": f"https://checkout.stripe.test/pay/{session_id}",
                    "client_reference_id": form["client_reference_id"][0],
                    "amount_total": amount,
                    "payment_status": "unpaid",
                    "metadata": {"invoice_number": form["metadata[invoice_number]"][0]},
                }
                fake.sessions[session_id] = session
                return self._reply(200, session)

            def do_GET(self):
                fake.requests.append(("GET", self.path, {}, self.headers.get("Authorization")))
                session_id = self.path.rsplit("/", 1)[-1].split("?")[0]
                if session_id in fake.sessions:
                    return self._reply(200, fake.sessions[session_id])
                return self._reply(
                    404, {"error": {"type": "invalid_request_error", "message": "No such session"}}
                )

        return Handler


@pytest.fixture
def fake_stripe(settings):
    import threading
    from http.server import ThreadingHTTPServer

    import stripe

    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    previous = stripe.api_base
    stripe.api_base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_membership"
    yield fake
    stripe.api_base = previous
    server.shutdown()
    server.server_close()

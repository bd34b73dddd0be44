"""`make run` lists the demo logins once, last, when the platform answers: `seed_demo` lists
them when run by hand, not under `make run` (`--no-logins`), and the run's banner waits for
/healthz to answer 200 (config/devservers.py)."""

import io
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from config import devservers


def test_seed_demo_lists_the_logins_unless_told_not_to(demo_data, db):
    by_hand, under_run = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=by_hand)
    call_command("seed_demo", "--no-logins", stdout=under_run)
    assert by_hand.getvalue().count("Demo logins") == 1
    assert "staff@ewatch.example" in by_hand.getvalue()
    assert "Demo data loaded." in under_run.getvalue()
    assert "Demo logins" not in under_run.getvalue()
    assert "staff@ewatch.example" not in under_run.getvalue()


@pytest.fixture
def health():
    """A /healthz that answers 503 twice, then 200."""
    answers = [503, 503, 200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status = answers.pop(0) if len(answers) > 1 else answers[0]
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], answers
    server.shutdown()
    server.server_close()


def _sleeper():
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])


def test_the_banner_waits_for_a_healthy_platform(health):
    port, answers = health
    child = _sleeper()
    try:
        assert devservers._wait_until_ready(port, [child], timeout=30) is True
        assert answers == [200]  # asked until it answered 200
    finally:
        child.kill()
        child.wait()


def test_no_banner_when_a_process_stopped_first(health):
    port, _answers = health
    stopped = subprocess.Popen([sys.executable, "-c", "pass"])
    stopped.wait()
    assert devservers._wait_until_ready(port, [stopped], timeout=30) is False


def test_after_the_timeout_the_banner_still_comes_with_a_message(capsys):
    from tests.platform.test_devservers import _free_port

    child = _sleeper()
    try:
        assert devservers._wait_until_ready(_free_port(), [child], timeout=1) is True
    finally:
        child.kill()
        child.wait()
    assert "has not answered 200 after 1 s" in capsys.readouterr().out

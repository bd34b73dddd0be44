"""The WSGI application tunes the garbage collector once it is set up (config/gc_tuning.py)."""

import subprocess
import sys


def test_the_wsgi_application_freezes_start_up_and_raises_the_young_threshold():
    script = (
        "import gc, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings_test'; "
        "import config.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 10_000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split("\n")[-2] == "(50000, 20, 10) True"

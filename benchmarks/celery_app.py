"""The platform's Celery app with a result backend, for the latency line of `make bench`
(benchmarks/lines.py CeleryLine): the platform ignores results, the benchmark reads one back.
Set before the app is finalised, so that every task (the built-in `celery.accumulate`
included) stores its result."""

import os

from config.celery import app

app.conf.update(result_backend=os.environ["EW_BENCH_RESULT_BACKEND"], task_ignore_result=False)

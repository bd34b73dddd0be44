"""gunicorn's settings, in one place for the Dockerfile, docker-compose.yml and `make bench`.

    gunicorn config.wsgi:application -c config/gunicorn.conf.py

Workers and threads come from WEB_CONCURRENCY and GUNICORN_THREADS (README "Serving";
`make bench-http` compares worker counts). With more than one thread
per worker the worker class is gthread, otherwise sync.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread" if threads > 1 else "sync")
# The heartbeat file on a RAM disk where there is one (Docker: /dev/shm), not on overlayfs.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (heartbeats)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

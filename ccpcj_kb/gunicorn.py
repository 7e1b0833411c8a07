"""gunicorn's settings for running the site as in production: make serve, or
gunicorn -c python:ccpcj_kb.gunicorn ccpcj_kb.wsgi."""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Each worker serves one request at a time; two per CPU and one more keep the CPUs busy while
# some wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
accesslog = "-"
# A request slower than this is stopped and logged, so one stuck request never holds a worker.
timeout = 30

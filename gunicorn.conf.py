"""Gunicorn's settings for serving tracker in production: `make serve`, or from a systemd unit
`.venv/bin/gunicorn --config gunicorn.conf.py`. See the README's "Production" section.

Each setting that differs between installs comes from the environment:

  TRACKER_BIND      address to listen on (127.0.0.1:8000): keep it on loopback behind nginx
  TRACKER_WORKERS   worker processes (2 x CPU cores + 1)
  TRACKER_THREADS   threads per worker (1); more than 1 uses gunicorn's gthread workers
  TRACKER_TIMEOUT   seconds a request may take before its worker is restarted (120: PDF rendering)
  TRACKER_LOG_LEVEL gunicorn's and the app's log level (info)

The app's own settings (database, secret key, secure cookies, proxies) are read by
tracker.config from TRACKER_* variables too.
"""

import multiprocessing
import os

wsgi_app = "tracker:create_app()"
proc_name = "tracker"

bind = [os.environ.get("TRACKER_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("TRACKER_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("TRACKER_THREADS") or 1)
timeout = int(os.environ.get("TRACKER_TIMEOUT") or 120)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak (PDF rendering) cannot grow forever.
# Not fewer: at a busy moment (300 pages a second) 1,000 meant a new worker, with an empty page
# cache, every few seconds, and its first pages made the slowest 1% three times slower.
max_requests = 10000
max_requests_jitter = 1000
# Load the app once, before forking: a broken configuration stops the server at start, and the
# instance folder's secret key is created once rather than raced for by the workers.
preload_app = True

# Everything to stdout, one line per event, for journald or a container's log collector.
loglevel = os.environ.get("TRACKER_LOG_LEVEL", "info")
accesslog = "-"
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"level": loglevel.upper(), "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}


def when_ready(server):
    """Compile every page and document template in the master, before any worker is forked: the
    workers share them, and one replaced after max_requests serves its first page at full speed
    rather than spending a few hundred milliseconds compiling."""
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.jinja_env.get_template(name)


def post_fork(server, worker):
    """Give each worker its own database connections: none opened before the fork are shared."""
    from tracker.db import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)

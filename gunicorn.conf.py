"""gunicorn's settings for Tongxin (README "Deployment"). gunicorn reads ./gunicorn.conf.py on its own when started
from the repository; scripts/deploy-check names it with `-c`. Settings on the command line win (`-w 2`).

Why these: a sync worker serves one connection at a time and reads a request until it is complete, so a client
that sends half a request and then nothing (a phone losing its signal, or a slowloris) holds a whole worker until
`timeout` kills it; two such connections stop two sync workers from answering anyone. A gthread worker reads each
connection in one of its `threads`: a half-open connection holds one thread, the others answer, and a connection
that sends nothing at all waits in the worker's poller without a thread. tests/community/test_faults_connections.py
shows both. Beyond workers x threads half-open connections only the reverse proxy helps: it reads every request
whole (headers and body, with its own client timeouts) before handing it on (README "Deployment", nginx).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
# Each thread may hold a database connection: SQLAlchemy's pool gives 5 (+10 overflow) per process.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker whose main loop has not reported for this long is restarted (threads keep the loop free, so this
# catches a stuck worker, not a slow request; imports and exports run on the task queue, not here).
timeout = 30
graceful_timeout = 30  # a restart (SIGHUP, deploy) lets answers in progress finish for this long
keepalive = 5  # idle kept-alive connections wait in the poller, not in a thread, and close after 5 s
worker_connections = 1000  # open connections per worker, idle ones included

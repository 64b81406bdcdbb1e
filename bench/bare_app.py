"""The yardstick of `make bench-load`: a bare Flask app with one trivial JSON endpoint, served by the same
gunicorn settings as Tongxin (`gunicorn -c gunicorn.conf.py bench.bare_app:app`)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"ok": True}

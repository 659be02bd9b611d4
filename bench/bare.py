"""A trivial Flask app: the load test's yardstick. The same gunicorn settings serve it as serve
the service, so its CPU per request is what gunicorn, WSGI and Flask cost before any of ours."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"

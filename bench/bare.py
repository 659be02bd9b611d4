"""A trivial Flask app: the load test's yardstick. The same gunicorn settings serve it as serve
the service, so its CPU per request is what gunicorn, WSGI and Flask cost before any of ours."""

from __future__ import annotations

from flask import Flask

from victims.extensions import db

app = Flask(__name__)
# Registered (on an in-memory database it never opens) only so that gunicorn.conf.py's post_fork,
# which releases each app's connection pools, runs here as it does for the service.
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db.init_app(app)


@app.get("/")
def hello() -> str:
    return "Hello"

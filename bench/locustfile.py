"""A VLO's morning, for the load test (bench/load.py starts locust with this file).

Each simulated user is one of the VLOs that bench/load.py signed in over HTTP (their cookies and
a sample of their own open cases in the JSON file BENCH_SESSIONS names): it opens its caseload,
its cases and their tabs, its tasks and notifications, at BENCH_LOAD_RATE requests a second
(constant throughput, so the offered load is users x rate whatever the latency). Locust's
FastHttpUser (geventhttpclient) makes the requests: locust shares the two cores with the server
it measures, and the requests-based client costs it several times the CPU. With BENCH_BARE
set it asks the bare Flask endpoint for "/" instead, at the same rate.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, constant_throughput, task

RATE = float(os.environ.get("BENCH_LOAD_RATE", "3"))
BARE = bool(os.environ.get("BENCH_BARE"))
_SESSIONS = [] if BARE else json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115
_NEXT = itertools.count()


class Bare(FastHttpUser):
    wait_time = constant_throughput(RATE)
    abstract = not BARE

    @task
    def hello(self) -> None:
        self.client.get("/")


class Vlo(FastHttpUser):
    wait_time = constant_throughput(RATE)
    abstract = BARE

    def on_start(self) -> None:
        session = _SESSIONS[next(_NEXT) % len(_SESSIONS)]
        # Sent by hand: the session cookie is Secure (production settings) and this is plain HTTP.
        self.headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in session["cookies"].items())}
        self.cases = session["cases"]
        self.chance = random.Random(session["user_id"])

    def _get(self, path: str, name: str) -> None:
        with self.client.get(
            path, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def _case(self) -> int:
        return self.chance.choice(self.cases)

    @task(3)
    def caseload(self) -> None:
        self._get("/cases/mine", "My caseload")

    @task(4)
    def case_page(self) -> None:
        self._get(f"/cases/{self._case()}", "Case page")

    @task(2)
    def contact_log(self) -> None:
        self._get(f"/cases/{self._case()}/contacts", "Contact log")

    @task(1)
    def deadlines(self) -> None:
        self._get(f"/cases/{self._case()}/deadlines", "Case deadlines")

    @task(1)
    def people(self) -> None:
        self._get(f"/cases/{self._case()}/people", "Case people")

    @task(2)
    def my_tasks(self) -> None:
        self._get("/tasks/mine", "My tasks")

    @task(1)
    def notifications(self) -> None:
        self._get("/notifications", "Notifications")

"""Celery beat's scheduler when the broker is Redis: RedBeat, which keeps the schedule and a lock
in Redis so that only one beat runs however many instances start it.

RedBeat installs its schedule and takes its lock once, at start. If Redis restarts without its
data, both are gone: the schedule is empty, so nothing would ever be sent again, and extending
the lost lock raises. This subclass notices and puts them back, so the reminder sweep carries on.
"""

from __future__ import annotations

from celery.utils.log import get_logger
from redbeat import schedulers

log = get_logger("celery.beat")


class RedBeatScheduler(schedulers.RedBeatScheduler):
    def tick(self, *args, **kwargs):
        client = schedulers.get_redis(self.app)
        if self.lock_key and self.lock is not None and not self.lock.owned():
            log.warning("beat: the lock in Redis was lost (Redis restarted?); taking it again")
            self.lock.acquire()  # waits while another beat holds it
        if self.app.redbeat_conf.schedule and not client.exists(self.app.redbeat_conf.statics_key):
            log.warning(
                "beat: the schedule is missing from Redis (Redis lost its data?); installing it again"
            )
            self.setup_schedule()
        return super().tick(*args, **kwargs)

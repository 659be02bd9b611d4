"""Celery beat's scheduler when the broker is Redis: RedBeat, which keeps the schedule and a lock
in Redis so that only one beat runs however many instances start it.

RedBeat installs its schedule and takes its lock once, at start. If Redis restarts without its
data, both are gone: the schedule is empty, so nothing would ever be sent again, and extending
the lost lock raises. This subclass notices and puts them back, so the reminder sweep carries on.

RedBeat's lock and pipelines talk to Redis directly, outside its retrying connection, so a
Redis that is down raised out of `tick` and ended the beat process: nothing was swept again
until someone restarted it. Here a tick that cannot reach Redis is given up, and the next one
comes after a wait that grows while Redis stays down (victims.domain.backoff); when Redis is
back, the lock is taken again and the schedule reinstalled if Redis lost it.
"""

from __future__ import annotations

import random

import redis.exceptions
from celery.utils.log import get_logger
from redbeat import schedulers

from victims.domain.backoff import Backoff, wait_before

log = get_logger("celery.beat")

# What Redis being down (stopped, restarting, unreachable) raises through redis-py.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class RedBeatScheduler(schedulers.RedBeatScheduler):
    def __init__(self, app, *args, **kwargs):
        super().__init__(app, *args, **kwargs)
        self.redis_backoff = Backoff(
            first=float(app.conf.get("vcs_beat_redis_backoff_first", 1)),
            longest=float(app.conf.get("vcs_beat_redis_backoff_longest", 30)),
        )
        self.failed_ticks = 0

    def tick(self, *args, **kwargs):
        try:
            self._keep_lock_and_schedule()
            interval = super().tick(*args, **kwargs)
        except REDIS_DOWN as error:
            self.failed_ticks += 1
            wait = wait_before(self.failed_ticks, self.redis_backoff, random.random())  # noqa: S311
            log.warning(
                "beat: Redis unreachable (%s, %d ticks in a row); trying again in %.1f s",
                type(error).__name__,
                self.failed_ticks,
                wait,
            )
            return wait
        except redis.exceptions.LockNotOwnedError:
            # The lock ran out between the check and its extension: the next tick takes it again.
            log.warning("beat: the lock ran out before it was extended; taking it again")
            return 1.0
        if self.failed_ticks:
            log.warning("beat: Redis reachable again after %d failed ticks", self.failed_ticks)
            self.failed_ticks = 0
        return interval

    def _keep_lock_and_schedule(self) -> None:
        client = schedulers.get_redis(self.app)
        if self.lock_key:
            if self.lock is None:
                # Redis was down when beat started: RedBeat's start-up hook could not take the
                # lock, and Celery swallowed the error.
                log.warning("beat: no lock yet (Redis was down at start?); taking it")
                self.lock = self._new_lock(client)
                self.lock.acquire()  # waits while another beat holds it
            elif not self.lock.owned():
                log.warning("beat: the lock in Redis was lost (Redis restarted?); taking it again")
                self.lock.acquire()
        if self.app.redbeat_conf.schedule and not client.exists(self.app.redbeat_conf.statics_key):
            log.warning(
                "beat: the schedule is missing from Redis (Redis lost its data?); installing it again"
            )
            self.setup_schedule()

    def _new_lock(self, client):
        """The lock as RedBeat's start-up hook makes it (schedulers.acquire_distributed_beat_lock)."""
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(schedulers.LUA_EXTEND_TO_SCRIPT)
        return lock

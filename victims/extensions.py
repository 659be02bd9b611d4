"""Flask extensions, created unbound. Imports nothing from victims.*."""

from contextvars import ContextVar
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf import CSRFProtect
from sqlalchemy import CompoundSelect, MetaData, Select
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The bind key of the read replica's engine (victims.replica makes it when DATABASE_REPLICA_URL is
# set) and whether the code running now reads from it (victims.replica.reads sets this).
REPLICA = "replica"
reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class RoutingSession(Session):
    """The service's session: on the primary, except that a plain SELECT (no FOR UPDATE) made
    inside victims.replica.reads() goes to the replica's engine. Flushes, INSERT/UPDATE/DELETE and
    raw SQL always go to the primary, so nothing is ever written through the replica."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        if (
            bind is None
            and reading_replica.get()
            and not self._flushing
            and isinstance(clause, Select | CompoundSelect)
            and clause._for_update_arg is None
        ):
            engine = self._db.engines.get(REPLICA)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits per client address; storage and strategy come from the RATELIMIT_* settings. The
# address is the one ProxyFix takes from X-Forwarded-For (TRUSTED_PROXY_COUNT).
limiter = Limiter(key_func=get_remote_address)

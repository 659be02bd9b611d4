"""Changes staff make to their own details and their team's. Flush, never commit."""

from __future__ import annotations

from victims.audit import services as audit
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User


def change_own_phone(user: User, phone: str) -> None:
    """The direct line letters give victims (SPEC §6)."""
    user.phone = phone.strip()
    db.session.flush()
    audit.record("own_details_changed", "user", user.id, details={"fields": ["phone"]}, user=user)


def set_countersigning(vlo: User, required: bool, spo: User) -> None:
    """An SPO requires (or stops requiring) a second person to approve a VLO's letters."""
    if spo.role != Role.SPO or vlo.role != Role.VLO or vlo.team_id != spo.team_id:
        raise Refused("Choose a victim liaison officer in your team")
    vlo.requires_countersign = required
    db.session.flush()
    audit.record(
        "countersigning_required" if required else "countersigning_stopped",
        "user",
        vlo.id,
        details={"requires_countersign": required},
        user=spo,
    )

"""The demo's staff: who they are, their sign-in details (made from their email address, so the
same every time), and their teams."""

from __future__ import annotations

import base64
import hashlib

from victims.domain.vocabulary import Role, Skill

DEMO_DOMAIN = "demo.vcs.example"

STAFF = [
    # (role, first name, team index or None, skills)
    (Role.ADMIN, "Alex", None, []),
    (Role.MANAGER, "Morgan", None, []),
    (Role.SPO, "Samira", 0, [Skill.MAPPING, Skill.PAROLE]),
    (Role.SPO, "Owen", 1, [Skill.PAROLE, Skill.BEREAVED]),
    (Role.VLO, "Amelia", 0, [Skill.MAPPING, Skill.CHILD_VICTIMS, Skill.WELSH]),
    (Role.VLO, "Ben", 0, [Skill.DOMESTIC_ABUSE]),
    (Role.VLO, "Chloe", 0, [Skill.BEREAVED, Skill.PAROLE]),
    (Role.VLO, "Daniel", 1, [Skill.MAPPING, Skill.RESTRICTED_PATIENTS]),
    (Role.VLO, "Erin", 1, [Skill.WELSH, Skill.CHILD_VICTIMS]),
    (Role.VLO, "Farid", 1, [Skill.DOMESTIC_ABUSE, Skill.PAROLE]),
    (Role.VLO, "Grace", 0, [Skill.WELSH, Skill.BEREAVED]),
    (Role.VLO, "Hana", 0, [Skill.MAPPING, Skill.DOMESTIC_ABUSE]),
    # Last, so that everyone else keeps the name the seeded generator gave them before.
    (Role.MANAGER, "Nadia", None, []),  # national: every region (NATIONAL below)
]
# Who sees all 12 regions: the administrator (the deadline settings) and one manager (the national
# caseload balance, compliance and feedback).
NATIONAL = {"Alex", "Nadia"}
TEAMS = ["Bedford Victim Contact Unit", "Norwich Victim Contact Unit"]
# Demo users who chose email reminders (the others get them in the service only).
EMAIL_REMINDERS = {"Samira", "Owen", "Ben", "Erin"}
# Of those, who let the emails come on weekends and bank holidays too (the others wait for a
# working day).
ANY_DAY_EMAILS = {"Owen"}


def demo_password(email: str) -> str:
    local = email.split("@", 1)[0]
    return f"{local}-demo-2026"


def demo_totp_secret(email: str) -> str:
    digest = hashlib.sha256(f"vcs-demo:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def email_of(role: Role, first_name: str) -> str:
    return f"{first_name.lower()}.{role.value}@{DEMO_DOMAIN}"

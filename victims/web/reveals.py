"""What locates or reaches a victim is shown only after a reveal: the one rule, for every page.

What locates or reaches a person (``PERSON_FIELDS``, ``ZONE_PLACES``): their address and
postcode, telephone number, email address and safe times to contact; a letter to them, which
carries their address (or the email address it goes to); and the places their exclusion-zone maps
are checked against — their home, work and school, and the offender's release address, which is
as sensitive (the victim must not learn it, and it sits beside theirs).

Any of it is shown only to a VLO or SPO of the case's team who has revealed that person, giving a
reason, in this browser session in the last ``REVEAL_LASTS`` (``reveal_page``). A reveal is of a
person, not of one page: once they have said why, the address on the person's letters, their
safe times and the places on their maps are shown for those minutes too. Every reveal is recorded
with its reason, and flagged for the team's SPO when the user is not the case's allocated VLO
(``people.services.reveal_contact_details``); every page or PDF that then shows any of it is
recorded too, flagged the same way, so the SPO's "Address reveals" lists both.

Before a reveal a page says what is hidden and links to "Show …" (the reason page); what it still
needs (a zone's checks) works on the stored values without showing them. The session remembers
person ids and times only, never the details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template, session
from flask_login import current_user

from victims import clock
from victims.domain.vocabulary import Role
from victims.people import services as people
from victims.people.forms import RevealForm
from victims.people.models import CONTACT_DETAIL_FIELDS, Person
from victims.prerelease.models import POINT_KINDS

# After a reveal the person's details are shown, and can be changed, for this long.
REVEAL_LASTS = timedelta(minutes=10)
# Only caseworkers reveal: managers and administrators never need a victim's whereabouts.
REVEALERS = (Role.VLO, Role.SPO)

# A person's fields that locate or reach them.
PERSON_FIELDS = (*CONTACT_DETAIL_FIELDS, "safe_contact_times")
# The places an exclusion zone is checked against: the victim's home, work and school, and the
# offender's release address.
ZONE_PLACES = tuple(POINT_KINDS)

_SESSION_KEY = "revealed"


def may_reveal() -> bool:
    return current_user.is_authenticated and current_user.role in REVEALERS


def revealed(person_id: int | None) -> bool:
    """Has the signed-in user revealed this person, with a reason, in the last REVEAL_LASTS?"""
    if person_id is None or not may_reveal():
        return False
    until = session.get(_SESSION_KEY, {}).get(str(person_id))
    if not isinstance(until, str):
        return False
    try:
        return datetime.fromisoformat(until) > clock.utcnow()
    except ValueError:
        return False


def _remember(person_id: int) -> None:
    now = clock.utcnow()
    kept = {}
    for key, until in session.get(_SESSION_KEY, {}).items():
        try:
            if datetime.fromisoformat(until) > now:  # forget the ones that have run out
                kept[key] = until
        except (TypeError, ValueError):
            continue
    kept[str(person_id)] = (now + REVEAL_LASTS).isoformat()
    session[_SESSION_KEY] = kept


@dataclass(frozen=True)
class Showing:
    """What a reason page is for: its heading and button, where "Back" goes, and what the trail
    says the reveal was for (None: the person's address and contact details page)."""

    heading: str
    button: str
    back: str
    shown_for: str | None = None


def reveal_page(case, person: Person, showing: Showing, then: Callable):
    """The reason page (GET), and the reveal (a POST with a reason): recorded, remembered for
    REVEAL_LASTS, then ``then()`` answers (the details themselves, or the page that shows them)."""
    form = RevealForm()
    form.submit.label.text = showing.button
    if form.validate_on_submit():
        people.reveal_contact_details(
            case, person, form.reason.data.strip(), current_user, shown_for=showing.shown_for
        )
        _remember(person.id)
        return then()
    return render_template(
        "people/reveal.html",
        form=form,
        case=case,
        person=person,
        showing=showing,
        lasts_minutes=int(REVEAL_LASTS.total_seconds() // 60),
    )

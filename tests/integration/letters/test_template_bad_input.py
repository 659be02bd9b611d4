"""A template's title longer than its column (200 characters) is refused with the other
problems of the form; PostgreSQL would have refused it with a server error (found by the form
fuzz, which holds SQLite to PostgreSQL's rules)."""

from __future__ import annotations

from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import template_versions


def test_a_title_longer_than_its_column_is_refused(web, make):
    browser = web(make.user(Role.ADMIN, national=True))
    path = "/admin/letter-templates/initial_contact/en"
    template = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    fields = {"title": "T" * 201, "note": "A longer title"}
    for section in template.sections:
        fields[f"heading_{section.key}"] = section.heading
        fields[f"body_{section.key}"] = section.body

    page = browser.post(path, fields, status=200).get_data(as_text=True)

    assert "The title must be 200 characters or fewer" in page
    db.session.expire_all()
    assert template_versions.current_template(LetterType.INITIAL_CONTACT, "en").version == template.version

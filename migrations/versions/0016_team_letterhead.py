"""Letters an inspector would pass (issue 12).

- The Victim Contact Unit's postal address and telephone number, for the letterhead:
  `teams.postal_address` and `teams.telephone`, recorded by administrators. Empty for existing
  teams until an administrator adds them (a letter's check says so).
- Restraining orders stated correctly: where the newest stored version of an initial-contact or
  pre-release template still has the built-in sentence saying a victim may "apply for a
  restraining order", a new version is added with the corrected sentence (a criminal court makes
  one when it sentences or acquits; a victim can apply to a family court for a non-molestation
  order). A version an administrator reworded is left for them: the letter check names the point
  it misses.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


NOTE = "Restraining orders stated correctly (issue 12)"
ORDERS = {
    "en": (
        "- You may be able to apply for a restraining order or a non-molestation order. These are court "
        "orders that ban the offender from contacting you. Breaking one is a crime. The police, a solicitor "
        "or a domestic abuse service can help you apply.",
        "- A criminal court can make a restraining order when it sentences the offender, or when it finds "
        "them not guilty. It bans the offender from contacting you. You can also apply to a family court for "
        "a non-molestation order if the offender is your partner, former partner or a relative. Breaking "
        "either order is a crime. The police, a solicitor or a domestic abuse service can help you.",
    ),
    "cy": (
        "- Efallai y gallwch wneud cais am orchymyn llys i’ch diogelu. Mae dau fath: gorchymyn atal "
        "(restraining order) a gorchymyn rhag molestu (non-molestation order). Mae’r ddau yn gwahardd y "
        "troseddwr rhag cysylltu â chi, ac mae torri gorchymyn yn drosedd. Gall yr heddlu, cyfreithiwr neu "
        "wasanaeth cam-drin domestig eich helpu i wneud cais.",
        "- Gall llys troseddol wneud gorchymyn atal (restraining order) pan fydd yn dedfrydu’r troseddwr, neu "
        "pan fydd yn ei gael yn ddieuog. Mae’n gwahardd y troseddwr rhag cysylltu â chi. Gallwch hefyd wneud "
        "cais i lys teulu am orchymyn rhag molestu (non-molestation order) os yw’r troseddwr yn bartner, yn "
        "gyn-bartner neu’n berthynas i chi. Mae torri’r naill orchymyn neu’r llall yn drosedd. Gall yr "
        "heddlu, cyfreithiwr neu wasanaeth cam-drin domestig eich helpu.",
    ),
}
templates = sa.table(
    "letter_templates",
    sa.column("id", sa.Integer),
    sa.column("letter_type", sa.String),
    sa.column("language", sa.String),
    sa.column("version", sa.Integer),
    sa.column("title", sa.String),
    sa.column("sections", sa.JSON),
    sa.column("note", sa.Text),
    sa.column("created_at", sa.DateTime),
    sa.column("created_by_id", sa.Integer),
)


def upgrade():
    op.add_column("teams", sa.Column("postal_address", sa.Text(), nullable=True))
    op.add_column("teams", sa.Column("telephone", sa.String(length=30), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(templates).where(templates.c.letter_type.in_(["initial_contact", "pre_release"]))
    ).all()
    newest = {}
    for row in rows:
        key = (row.letter_type, row.language)
        if key not in newest or row.version > newest[key].version:
            newest[key] = row
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the models' UTCDateTime keeps it there
    for (_kind, language), row in sorted(newest.items()):
        old, new = ORDERS.get(language, ("", ""))
        sections = row.sections if isinstance(row.sections, list) else json.loads(row.sections)
        changed = False
        for section in sections:
            if section.get("key") == "unwanted_contact" and old and old in section["body"]:
                section["body"] = section["body"].replace(old, new)
                changed = True
        if changed:
            bind.execute(
                templates.insert().values(
                    letter_type=row.letter_type,
                    language=row.language,
                    version=row.version + 1,
                    title=row.title,
                    sections=sections,
                    note=NOTE,
                    created_at=now,
                    created_by_id=None,
                )
            )


def downgrade():
    op.execute(templates.delete().where(templates.c.note == NOTE))
    # Not in batch mode: on SQLite that copies the teams table, which other tables refer to.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE teams DROP COLUMN telephone")
        op.execute("ALTER TABLE teams DROP COLUMN postal_address")
    else:
        op.drop_column("teams", "telephone")
        op.drop_column("teams", "postal_address")

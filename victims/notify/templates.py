"""The GOV.UK Notify email templates this service uses, kept here as they are set up in Notify.

Notify holds the live copy of each template and fills in its ((placeholders)); this copy is
what the development outbox and the tests render, so a change here must be made in Notify too
(docs/operations.md). Each template's id comes from configuration.

Nothing that identifies a victim goes into a personalisation: staff emails name the case by its
number and the work by its title, and link back to the service for the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    config_key: str  # the setting that holds the template's id in Notify
    subject: str
    body: str

    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.subject + self.body))

    def render(self, personalisation: dict[str, str]) -> tuple[str, str]:
        """The subject and body as Notify would fill them in; a missing value is an error, as
        it is in Notify ("Missing personalisation")."""
        missing = self.placeholders() - personalisation.keys()
        if missing:
            raise KeyError(f"Missing personalisation: {', '.join(sorted(missing))}")

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda match: str(personalisation[match.group(1)]), text)

        return fill(self.subject), fill(self.body)


_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")

REMINDER = EmailTemplate(
    name="reminder",
    config_key="NOTIFY_REMINDER_TEMPLATE_ID",
    subject="((stage)): ((title)) – case ((case_number))",
    body=(
        "Dear ((name)),\n"
        "\n"
        "((reason))\n"
        "\n"
        "# ((title))\n"
        "\n"
        "Case ((case_number)): ((stage_sentence)) ((due_date)).\n"
        "\n"
        "Open the case to see the task and its deadline:\n"
        "((link))\n"
        "\n"
        "You get these emails because you chose email reminders in the Victim Contact Scheme "
        "casework service. You can change this in your notification settings:\n"
        "((settings_link))\n"
    ),
)

# A letter sent by email (the victim chose email): the letter's own text is the body, with the
# recipient's name in the salutation of that text. The PDF sent by post is the same letter.
LETTER = EmailTemplate(
    name="letter",
    config_key="NOTIFY_LETTER_EMAIL_TEMPLATE_ID",
    subject="((subject))",
    body="((body))\n",
)

# Someone's own account changed: a temporary password or a security-code reset that two
# administrators agreed, or a new password they chose. It names the administrators, never a
# password, and nothing about any case.
ACCOUNT = EmailTemplate(
    name="account",
    config_key="NOTIFY_ACCOUNT_TEMPLATE_ID",
    subject="Your casework account: ((change))",
    body=(
        "Dear ((name)),\n"
        "\n"
        "((what_happened))\n"
        "\n"
        "((what_next))\n"
        "\n"
        "If you did not ask for this, tell your line manager and an administrator straight away: "
        "someone may be trying to use your account.\n"
        "\n"
        "This email comes from the Victim Contact Scheme casework service. It never contains a "
        "password, and nobody from the service will ask you for yours.\n"
    ),
)

EMAIL_TEMPLATES = {template.name: template for template in (REMINDER, LETTER, ACCOUNT)}

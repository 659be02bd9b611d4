"""The feedback questions, in the language asked for: the victim's page (English or Welsh) and
the VLO's form after a call (English, with what the feedback is about)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from victims.domain.oversight import Answer, FeedbackAbout
from victims.feedback.services import COMMENTS_MAX, Given
from victims.feedback.texts import ANSWERS, PAGE, SATISFACTION
from victims.web.forms import options


class _Questions(FlaskForm):
    def given(self) -> Given:
        return Given(
            satisfaction=int(self.satisfaction.data),
            kept_informed=Answer(self.kept_informed.data) if self.kept_informed.data else None,
            felt_safer=Answer(self.felt_safer.data) if self.felt_safer.data else None,
            comments=self.comments.data or None,
        )


def questions_form(language: str, *, about: bool = False) -> _Questions:
    """A form of the four questions in `language` ("en" or "cy"); with `about`, the VLO's form."""
    words = PAGE[language]

    class Questions(_Questions):
        satisfaction = RadioField(
            words["satisfaction"],
            choices=options(SATISFACTION[language]),
            widget=GovRadioInput(),
            validators=[InputRequired(message=words["choose_satisfaction"])],
        )
        kept_informed = RadioField(
            words["kept_informed"],
            choices=options(ANSWERS[language]["kept_informed"]),
            widget=GovRadioInput(),
            validators=[InputRequired(message=words["choose_kept_informed"])],
        )
        felt_safer = RadioField(
            words["felt_safer"],
            choices=options(ANSWERS[language]["felt_safer"]),
            widget=GovRadioInput(),
            validators=[InputRequired(message=words["choose_felt_safer"])],
        )
        comments = TextAreaField(
            words["comments"],
            description=words["comments_hint"],
            widget=GovCharacterCount(),
            validators=[Optional(), Length(max=COMMENTS_MAX, message=words["too_long"])],
        )
        lang = HiddenField()
        submit = SubmitField(words["submit"], widget=GovSubmitInput())

    if about:

        class CallQuestions(Questions):
            about = RadioField(
                "What was the feedback about?",
                choices=options(FeedbackAbout),
                widget=GovRadioInput(),
                validators=[InputRequired(message="Choose what the feedback was about")],
            )
            language = RadioField(
                "Which language did the victim give it in?",
                choices=options([("en", "English"), ("cy", "Welsh")]),
                default="en",
                widget=GovRadioInput(),
                validators=[InputRequired(message="Choose the language")],
            )
            submit = SubmitField("Record feedback", widget=GovSubmitInput())

        return CallQuestions()
    return Questions()

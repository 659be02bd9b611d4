"""The feedback page a victim opens from a link (no sign-in), the form a VLO fills in after a
call, and the reports per team and region.

The victim's page shows nothing about the case, the victim or the team: only the questions. An
unknown, used or expired link gets one neutral page with 404, whichever it was (a 410 for a used
or expired link would tell whoever tries tokens that one once existed). The page is limited per
client address, on GET and POST. The token is in the path, which the service never logs (its
logs name endpoints, and its error pages do not repeat the address), and every page sends
"Referrer-Policy: no-referrer"."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from victims import clock, replica
from victims.audit import services as audit
from victims.cases import queries as case_queries
from victims.domain.oversight import FeedbackAbout
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import limiter
from victims.feedback import queries, services
from victims.feedback.forms import questions_form
from victims.feedback.texts import CHARACTER_COUNT, PAGE, language
from victims.refusals import Refused
from victims.staff.scopes import children, scope_from_key, trail
from victims.web.csv import csv_response
from victims.web.security import allowed

bp = Blueprint("feedback", __name__)

CASEWORK = (Role.VLO, Role.SPO)


def _page_limit() -> str:
    return current_app.config["FEEDBACK_PAGE_LIMIT"]


def _post_limit() -> str:
    return current_app.config["FEEDBACK_POST_LIMIT"]


def _other(lang: str) -> str:
    return "cy" if lang == "en" else "en"


def _gone(lang: str):
    return render_template("feedback/gone.html", lang=lang, words=PAGE[lang], other=_other(lang)), 404


@bp.route("/f/<string(maxlength=24):token>", methods=["GET", "POST"])
@limiter.limit(_page_limit, methods=["GET"], scope="feedback-page")
@limiter.limit(_post_limit, methods=["POST"], scope="feedback-answers")
def give(token: str):
    link = services.usable_link(token)
    chosen = request.args.get("lang") or request.form.get("lang")
    if link is None:
        return _gone(language(chosen))
    lang = language(chosen or link.language)
    form = questions_form(lang)
    form.lang.data = lang
    if form.validate_on_submit():
        if not services.give(link, form.given()):
            return _gone(lang)
        return redirect(url_for("feedback.thanks", lang=lang))
    return render_template(
        "feedback/give.html",
        form=form,
        lang=lang,
        words=PAGE[lang],
        other=_other(lang),
        switch_url=url_for("feedback.give", token=token, lang=_other(lang)),
        character_count=CHARACTER_COUNT[lang],
    )


@bp.route("/f/thank-you")
@limiter.limit(_page_limit, scope="feedback-page")
def thanks():
    lang = language(request.args.get("lang"))
    return render_template(
        "feedback/thanks.html",
        lang=lang,
        words=PAGE[lang],
        other=_other(lang),
        switch_url=url_for("feedback.thanks", lang=_other(lang)),
    )


# -- a VLO records feedback given on a call ------------------------------------------------------------


@bp.route("/cases/<int:case_id>/feedback/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def record_call(case_id: int):
    record = case_queries.case_for_change(case_id, current_user)  # another team's case: 404
    form = questions_form("en", about=True)
    if form.validate_on_submit():
        try:
            if record.status != CaseStatus.OPEN:
                raise Refused("Feedback can only be recorded on an open case")
            services.record_call(
                record, FeedbackAbout(form.about.data), form.given(), form.language.data, current_user
            )
        except Refused as refused:
            refused.show_on(form, "about")
        else:
            flash("Feedback recorded. It is kept without the case or the victim's name.", "success")
            return redirect(url_for("cases.contacts", case_id=record.id))
    return render_template("feedback/record_call.html", form=form, case=record)


# -- managers' report --------------------------------------------------------------------------------------


def _report_args():
    scope = scope_from_key(current_user, request.args.get("scope"))
    period = queries.period_from_key(request.args.get("period"))
    return scope, period


@bp.route("/management/feedback")
@allowed(Role.MANAGER)
def report():
    scope, period = _report_args()
    with replica.reads():
        found = queries.summary(scope, period)
        comments = queries.comments(scope, period, found)
        chart = queries.month_chart(scope, min(period.end, clock.today()))
        below = children(scope) if found.group_label else []
    return render_template(
        "feedback/report.html",
        found=found,
        scope=scope,
        period=period,
        periods=queries.periods(),
        trail=trail(scope, current_user),
        below=below,
        comments=comments,
        chart=chart,
        headers=queries.HEADERS,
        scope_link=lambda key: url_for("feedback.report", scope=key, period=period.key),
        fewer=queries.FEWER,
        comments_shown=queries.COMMENTS_SHOWN,
    )


@bp.route("/management/feedback.csv")
@allowed(Role.MANAGER)
def report_csv():
    scope, period = _report_args()
    with replica.reads():  # the export's own record (below) goes to the primary
        found = queries.summary(scope, period)
        rows = queries.csv_rows(found)
    audit.record(
        "feedback_exported",
        "feedback_report",
        None,
        region_id=scope.region_id,
        details={"scope": scope.key, "period": period.key, "rows": len(rows)},
        user=current_user,
    )
    return csv_response(
        f"feedback-{scope.key.replace(':', '-')}-{period.key}-{clock.today():%Y-%m-%d}.csv",
        queries.CSV_HEADERS,
        rows,
    )

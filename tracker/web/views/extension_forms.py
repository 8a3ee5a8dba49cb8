"""Forms of extension requests and their decisions, and of the owner's forecast on the tracking page."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.domain.deadlines import Rag
from tracker.domain.extensions import NAME_LENGTH
from tracker.domain.forecast import FORECASTS
from tracker.web.forms import (
    BlankableRadioField,
    DateRequired,
    GovDateField,
    GovRadioReveal,
    NotBlank,
    TrackerForm,
    VersionField,
    as_choices,
    choice_or_none,
)

TEXT_LENGTH = 10_000


class ExtensionRequestForm(TrackerForm):
    """Ask for a due date to be moved later: which date, the new one, why, and who asked."""

    item = RadioField("Which due date", widget=GovRadioInput(), choices=[],
                      validators=[InputRequired("Select which due date the extension is for")])
    new_due_on = GovDateField("New due date", what="the new due date", validators=[DateRequired("Enter the new due date")],
                              description="For example, 30 6 2022")
    reason = TextAreaField("Why the extension is asked for", widget=GovTextArea(),
                           validators=[NotBlank("Enter why the extension is asked for"),
                                       Length(max=TEXT_LENGTH, message=f"The reason must be {TEXT_LENGTH:,} characters or fewer")])
    requested_by = StringField("Who asked for it", widget=GovTextInput(),
                               description="For example, the lead officer or the action's owner. They need not have an account.",
                               validators=[NotBlank("Enter who asked for the extension"),
                                           Length(max=NAME_LENGTH, message=f"Who asked must be {NAME_LENGTH} characters or fewer")])
    submit = SubmitField("Record the request", widget=GovSubmitInput())


class ExtensionDecisionForm(TrackerForm):
    """Approve or refuse an extension request, in one's own name or recording the board's decision."""

    version = VersionField()
    decision = RadioField("Decision", widget=GovRadioInput(), choices=as_choices([("approve", "Approve"), ("refuse", "Refuse")]),
                          validators=[InputRequired("Select whether the extension is approved or refused")])
    decision_reason = TextAreaField("Reason for the decision", widget=GovTextArea(),
                                    validators=[NotBlank("Enter the reason for the decision"),
                                                Length(max=TEXT_LENGTH, message=f"The reason must be {TEXT_LENGTH:,} characters or fewer")])
    decided_by = RadioField("Who decided", widget=GovRadioReveal(),
                            choices=as_choices([("me", "I decide it"), ("board", "The board or a meeting decided it")]),
                            validators=[InputRequired("Select who decided")])
    board = StringField("The board or meeting", widget=GovTextInput(), description="For example, Joint Audit Committee",
                        validators=[Optional(), Length(max=NAME_LENGTH, message=f"The board or meeting must be {NAME_LENGTH} characters or fewer")])
    decided_on = GovDateField("Date the board decided", what="the date the board decided", description="For example, 14 3 2022")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class ForecastForm(TrackerForm):
    """The owner's forecast, on the tracking page: will it complete on time?"""

    version = VersionField()
    rag_forecast = BlankableRadioField("Forecast", widget=GovRadioInput(), default="",
                                       choices=as_choices([(rating.value, label) for rating, label in FORECASTS.items()]
                                                          + [("", "Not set")]),
                                       validators=[choice_or_none()])
    submit = SubmitField("Save the forecast", widget=GovSubmitInput())

    def rating(self) -> Rag | None:
        """The chosen rating, or None for "Not set"."""
        return Rag(self.rag_forecast.data) if self.rag_forecast.data else None

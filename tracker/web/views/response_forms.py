"""Forms of the statutory response pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.web.forms import GovDateField, TrackerForm, VersionField


class MilestonesForm(TrackerForm):
    version = VersionField()
    chief_invited_on = GovDateField("Date the chief constable was invited to comment", what="date the chief constable was invited to comment")
    chief_comments_due_on = GovDateField("Date the chief constable's comments are due", what="date the chief constable's comments are due")
    chief_comments_received_on = GovDateField("Date the chief constable's comments were received", what="date the chief constable's comments were received")
    drafted_on = GovDateField("Date the PCC's comments were drafted", what="date the PCC's comments were drafted")
    submit = SubmitField("Save milestones", widget=GovSubmitInput())


class CommentsForm(TrackerForm):
    version = VersionField()
    pcc_comments = TextAreaField("The PCC's comments on the report", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=50_000)])
    chief_comments = TextAreaField("The chief constable's comments", widget=GovTextArea(),
                                   validators=[Optional(), Length(max=50_000)])
    chief_comments_absence = TextAreaField("If there are no comments from the chief constable, say why",
                                           widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    pcc_response_to_chief = TextAreaField("The PCC's response to the chief constable's comments", widget=GovTextArea(),
                                          validators=[Optional(), Length(max=50_000)])
    submit = SubmitField("Save comments", widget=GovSubmitInput())


class ApproveForm(TrackerForm):
    submit = SubmitField("Approve the response", widget=GovSubmitInput())


class PublishForm(TrackerForm):
    reason = TextAreaField("Why is the response being published again?", widget=GovTextArea(),
                           validators=[Optional(), Length(max=5_000)])
    submit = SubmitField("Publish the response", widget=GovSubmitInput())


class CopiesForm(TrackerForm):
    version = VersionField()
    sent_to_hmicfrs_on = GovDateField("Date a copy was sent to HMICFRS", what="date a copy was sent to HMICFRS")
    sent_to_home_secretary_on = GovDateField("Date a copy was sent to the Home Secretary", what="date a copy was sent to the Home Secretary")
    submit = SubmitField("Save", widget=GovSubmitInput())


class StatutoryParagraphForm(TrackerForm):
    statutory_paragraph = TextAreaField("Statutory paragraph", widget=GovTextArea(),
                                        validators=[DataRequired("Enter the statutory paragraph"), Length(max=5_000)])
    submit = SubmitField("Save paragraph", widget=GovSubmitInput())


class ExtensionForm(TrackerForm):
    new_due_on = GovDateField("New date by which the response is due", what="new date by which the response is due")
    granted_by = StringField("Who granted the extension", widget=GovTextInput(),
                             validators=[Optional(), Length(max=200)])
    applied_on = GovDateField("Date the application for an extension was received",
                              what="date the application was received")
    granted_on = GovDateField("Date the extension was granted", what="date the extension was granted")
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    submit = SubmitField("Record the extension", widget=GovSubmitInput())


class PauseForm(TrackerForm):
    started_on = GovDateField("Date the judicial review proceedings started", what="date the proceedings started")
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    submit = SubmitField("Record the proceedings", widget=GovSubmitInput())


class EndPauseForm(TrackerForm):
    version = VersionField()
    ended_on = GovDateField("Date the judicial review proceedings ended", what="date the proceedings ended")
    submit = SubmitField("Record the end of the proceedings", widget=GovSubmitInput())

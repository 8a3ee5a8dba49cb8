"""Forms of the statutory response pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.web.forms import GovDateField, TrackerForm, VersionField


class MilestonesForm(TrackerForm):
    version = VersionField()
    chief_invited_on = GovDateField("Date the chief constable was invited to comment", what="date the chief constable was invited to comment")
    chief_comments_due_on = GovDateField("Date the chief constable's comments are due", what="date the chief constable's comments are due")
    chief_comments_received_on = GovDateField("Date the chief constable's comments were received", what="date the chief constable's comments were received")
    submit = SubmitField("Save milestones", widget=GovSubmitInput())


class InviteForm(TrackerForm):
    version = VersionField()
    chief_invited_on = GovDateField("Date the chief constable was invited to comment",
                                    what="date the chief constable was invited to comment")
    chief_comments_due_on = GovDateField("Date by which the chief constable's comments are asked",
                                         what="date by which the chief constable's comments are asked")
    submit = SubmitField("Save and return to the response", widget=GovSubmitInput())


class CommentsForm(TrackerForm):
    version = VersionField()
    chief_comments_received_on = GovDateField("Date the chief constable's comments were received",
                                              what="date the chief constable's comments were received")
    chief_comments = TextAreaField("The chief constable's comments", widget=GovTextArea(),
                                   validators=[Optional(), Length(max=50_000)])
    chief_comments_absence = TextAreaField("If there are no comments from the chief constable, say why",
                                           widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    pcc_comments = TextAreaField("The PCC's comments on the report", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=50_000)])
    pcc_response_to_chief = TextAreaField("The PCC's response to the chief constable's comments", widget=GovTextArea(),
                                          validators=[Optional(), Length(max=50_000)])
    # Shown only for an office that works in Welsh (comments.html), each after its English.
    chief_comments_cy = TextAreaField("The chief constable's comments in Welsh (Cymraeg)", widget=GovTextArea(),
                                      validators=[Optional(), Length(max=50_000)])
    chief_comments_absence_cy = TextAreaField("Why there are no comments from the chief constable, in Welsh (Cymraeg)",
                                              widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    pcc_comments_cy = TextAreaField("The PCC's comments on the report in Welsh (Cymraeg)", widget=GovTextArea(),
                                    validators=[Optional(), Length(max=50_000)])
    pcc_response_to_chief_cy = TextAreaField("The PCC's response to the chief constable's comments in Welsh (Cymraeg)",
                                             widget=GovTextArea(), validators=[Optional(), Length(max=50_000)])
    submit = SubmitField("Save and return to the response", widget=GovSubmitInput())


class GeneralCommentsForm(TrackerForm):
    """The comments another source's response publishes before its answers (the Welsh only for an office
    that works in Welsh)."""

    version = VersionField()
    pcc_comments = CommentsForm.pcc_comments
    pcc_comments_cy = CommentsForm.pcc_comments_cy
    submit = SubmitField("Save and return to the response", widget=GovSubmitInput())


class ExplanationsForm(TrackerForm):
    """Only the CSRF token and the buttons: the explanations' fields are named by tracking row (explanations.html)."""

    submit = SubmitField("Save explanations", widget=GovSubmitInput())
    send = SubmitField("Save and send for approval", widget=GovSubmitInput())


class ReadyForm(TrackerForm):
    submit = SubmitField("Send for approval", widget=GovSubmitInput())


class ApproveForm(TrackerForm):
    declaration = BooleanField("I approve these comments on behalf of the Police and Crime Commissioner",
                               widget=GovCheckboxInput())
    submit = SubmitField("Approve the response", widget=GovSubmitInput())


class CopyFromForm(TrackerForm):
    source = RadioField("Which response do you want to start from?", widget=GovRadioInput(), choices=[],
                        validators=[DataRequired("Select the response to start from")], validate_choice=False)
    submit = SubmitField("Copy comments and explanations", widget=GovSubmitInput())


class PublishForm(TrackerForm):
    reason = TextAreaField("Why is the response being published again?", widget=GovTextArea(),
                           validators=[Optional(), Length(max=5_000)])
    published_on = GovDateField("If it was first published outside tracker, the date it was published",
                                what="date it was published")
    submit = SubmitField("Publish the response", widget=GovSubmitInput())


class CopiesForm(TrackerForm):
    version = VersionField()
    sent_to_hmicfrs_on = GovDateField("Date a copy was sent to HMICFRS", what="date a copy was sent to HMICFRS")
    sent_to_home_secretary_on = GovDateField("Date a copy was sent to the Home Secretary", what="date a copy was sent to the Home Secretary")
    submit = SubmitField("Save", widget=GovSubmitInput())


class SentForm(TrackerForm):
    version = VersionField()
    # The label names the body (the IOPC, the coroner): the view sets it.
    sent_to_source_on = GovDateField("Date the response was sent", what="date the response was sent")
    submit = SubmitField("Save", widget=GovSubmitInput())


class StatutoryParagraphForm(TrackerForm):
    pcc_name = StringField("The PCC's name, as printed on published responses", widget=GovTextInput(),
                           validators=[Optional(), Length(max=200, message="The PCC's name must be 200 characters or fewer")])
    statutory_paragraph = TextAreaField("Statutory paragraph", widget=GovTextArea(),
                                        validators=[DataRequired("Enter the statutory paragraph"), Length(max=5_000)])
    # Shown, and required, only for an office that works in Welsh (the view sets `welsh`).
    statutory_paragraph_cy = TextAreaField("Statutory paragraph in Welsh (Cymraeg)", widget=GovTextArea(),
                                           validators=[Length(max=5_000)])
    welsh = False

    def validate_statutory_paragraph_cy(self, field):
        if self.welsh and not (field.data or "").strip():
            raise ValidationError("Enter the statutory paragraph in Welsh")
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

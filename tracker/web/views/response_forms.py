"""Forms of the statutory response pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea
from wtforms import DateField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class GovDateField(DateField):
    """A day-month-year date whose error reads in GOV.UK style ('... must be a real date')."""

    def __init__(self, label=None, validators=None, **kwargs):
        """Take dates as 'DD MM YYYY' from the three boxes of the GOV.UK date input."""
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        """Read the three boxes; an impossible date gets a GOV.UK error message."""
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


class MilestonesForm(FlaskForm):
    version = HiddenField()
    chief_invited_on = GovDateField("Date the chief constable was invited to comment", validators=[Optional()])
    chief_comments_due_on = GovDateField("Date the chief constable's comments are due", validators=[Optional()])
    chief_comments_received_on = GovDateField("Date the chief constable's comments were received", validators=[Optional()])
    drafted_on = GovDateField("Date the PCC's comments were drafted", validators=[Optional()])
    submit = SubmitField("Save milestones", widget=GovSubmitInput())


class CommentsForm(FlaskForm):
    version = HiddenField()
    pcc_comments = TextAreaField("The PCC's comments on the report", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=50_000)])
    chief_comments = TextAreaField("The chief constable's comments", widget=GovTextArea(),
                                   validators=[Optional(), Length(max=50_000)])
    chief_comments_absence = TextAreaField("If there are no comments from the chief constable, say why",
                                           widget=GovTextArea(), validators=[Optional(), Length(max=5_000)])
    pcc_response_to_chief = TextAreaField("The PCC's response to the chief constable's comments", widget=GovTextArea(),
                                          validators=[Optional(), Length(max=50_000)])
    submit = SubmitField("Save comments", widget=GovSubmitInput())


class ApproveForm(FlaskForm):
    submit = SubmitField("Approve the response", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    reason = TextAreaField("Why is the response being published again?", widget=GovTextArea(),
                           validators=[Optional(), Length(max=5_000)])
    submit = SubmitField("Publish the response", widget=GovSubmitInput())


class CopiesForm(FlaskForm):
    version = HiddenField()
    sent_to_hmicfrs_on = GovDateField("Date a copy was sent to HMICFRS", validators=[Optional()])
    sent_to_home_secretary_on = GovDateField("Date a copy was sent to the Home Secretary", validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())


class StatutoryParagraphForm(FlaskForm):
    statutory_paragraph = TextAreaField("Statutory paragraph", widget=GovTextArea(),
                                        validators=[DataRequired("Enter the statutory paragraph"), Length(max=5_000)])
    submit = SubmitField("Save paragraph", widget=GovSubmitInput())

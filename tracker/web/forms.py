"""The web forms of the staff workspace: WTForms with the GOV.UK widgets and GOV.UK error wording."""

from __future__ import annotations

from datetime import date, datetime

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from tracker.domain.clocks import Respondent, Source
from tracker.domain.deadlines import Rag
from tracker.domain.owner_links import is_email_address
from tracker.domain.statuses import ActionStatus, HmicfrsView, InspectionType, Kind, Role, TrackingStatus
from tracker.domain.text import printable
from tracker.web.uploads import SmallEnough


def posted_text(formdata, *, multiline=frozenset(), files=frozenset(), as_typed=frozenset()) -> MultiDict:
    """What was posted, as text only and without control characters.

    Every value loses its control characters; those named in `multiline` (text areas) keep their
    tabs and line breaks, the others have them turned into spaces; those in `as_typed` (passwords,
    never shown or exported) are left as they are. A file is kept only under a name in `files`,
    and a value that is not text (a JSON number or object) is dropped.
    """
    cleaned = MultiDict()
    for key, value in formdata.items(multi=True):
        if isinstance(value, FileStorage):
            if key in files:
                cleaned.add(key, value)
        elif isinstance(value, str):
            cleaned.add(key, value if key in as_typed else printable(value, multiline=key in multiline))
    return cleaned


class TrackerForm(FlaskForm):
    """Every form's base: what was posted is cleaned (posted_text) before any field reads it.

    So no field sees anything but text, whatever was posted, and nothing invisible is saved.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            """The posted values, cleaned by posted_text (None when nothing was posted)."""
            try:
                formdata = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):  # a JSON body that is not an object of fields
                formdata = MultiDict()
            if formdata is None:
                return None
            fields = list(form._fields.values())
            return posted_text(
                formdata,
                multiline={f.name for f in fields if isinstance(f, TextAreaField)},
                files={f.name for f in fields if isinstance(f, (FileField, MultipleFileField))},
                as_typed={f.name for f in fields if isinstance(f, PasswordField)},
            )


def date_from_boxes(day: str, month: str, year: str) -> date:
    """The date three boxes give (the month as a number or a name); ValueError when it is not a real date."""
    if not month.isdigit():
        for fmt in ("%b", "%B"):
            try:
                month = str(datetime.strptime(month[:3] if fmt == "%b" else month, fmt).month)
                break
            except ValueError:
                continue
    if len(year) != 4 or len(day) > 2 or len(month) > 2:
        raise ValueError("not a real date")
    try:
        return date(int(year), int(month), int(day))
    except OverflowError:
        raise ValueError("not a real date") from None


class VersionField(HiddenField):
    """The version of the record the form was opened at, which the save is checked against.

    It must be there and be a whole number: a form without it would overwrite whatever anyone else
    saved meanwhile, so a missing or malformed version refuses the save (what was typed stays).
    """

    MESSAGE = ("This form did not say which version of the record it changes, so nothing has been saved. "
               "Copy what you typed, open the record again and make your changes there.")

    def process_formdata(self, valuelist):
        """Read the version as a whole number; anything else is an error."""
        value = valuelist[0].strip() if valuelist else ""
        if value.isascii() and value.isdigit() and len(value) <= 18:
            self.data = int(value)
        else:
            self.data = None
            raise ValueError(self.MESSAGE)

    def pre_validate(self, form):
        """A post with no version at all is refused too."""
        if self.data is None and not self.process_errors:
            raise StopValidation(self.MESSAGE)


class GovRadioReveal(GovRadioInput):
    """GOV.UK radios with conditional content: `params={"conditional": {value: html}}` puts the html
    under that radio. GOV.UK Frontend's script hides it until the radio is chosen; without the
    script it always shows (so the server must ignore what it holds when another radio is chosen)."""

    def map_gov_params(self, field, **kwargs):
        conditional = dict(kwargs.get("params", {}).pop("conditional", {}))
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            if item["value"] in conditional:
                item["conditional"] = {"html": conditional[item["value"]]}
        return params


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year boxes) read into a date; blank boxes give None.

    Any number of boxes may arrive: anything but three filled boxes making a real date is an
    error on the field, and one that no validator (Optional) can clear, so a half-typed date never
    quietly clears a saved one.
    """

    def __init__(self, label=None, validators=None, what: str = "the date", **kwargs):
        """A date field named `what` in its error messages ("the date the report was published")."""
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.what = what

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Process as usual, then give the widget exactly three boxes (or none) to redisplay."""
        super().process(formdata, data, extra_filters)
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = [*self.raw_data, "", "", ""][:3] if self.raw_data else None

    def process_formdata(self, valuelist):
        """Read the three boxes; say plainly when they are not a real date."""
        if not valuelist or all(not (v or "").strip() for v in valuelist):
            self.data = None
            return
        parts = [(v or "").strip() for v in valuelist]
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.what[0].upper()}{self.what[1:]} must include a day, month and year")
        try:
            self.data = date_from_boxes(*parts)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.what[0].upper()}{self.what[1:]} must be a real date") from None

    def post_validate(self, form, validation_stopped):
        """Keep the reading's error even when a validator (Optional) cleared the errors."""
        for error in self.process_errors:
            if error not in self.errors:
                self.errors.append(error)


class DateRequired:
    """Validator: the date boxes must not all be blank."""

    def __init__(self, message: str):
        """Keep the message to show."""
        self.message = message

    def __call__(self, form, field):
        """Stop with the message when no date was entered (a wrong date has its own message)."""
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


class NotBlank:
    """Validator: text must have something in it besides spaces."""

    def __init__(self, message: str):
        """Keep the message to show."""
        self.message = message

    def __call__(self, form, field):
        """Stop with the message when the text is empty or only spaces."""
        if not (field.data or "").strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def form_for(form_cls, record, **fields):
    """The form of an edit page: on a GET filled from the record (`Form(obj=record)`: each field from
    the attribute of its name) and from `fields`, the values of fields the record holds otherwise; on a
    POST from what was sent only, so that a field left out of the post never takes the record's value
    (its version above all)."""
    if request.method == "POST":
        return form_cls()
    form = form_cls(obj=record)
    for name, value in fields.items():
        form[name].process(None, value)
    return form


class PercentField(StringField):
    """A whole number from 0 to 100 typed in a box ("40" or "40%"); blank gives None."""

    def __init__(self, label=None, validators=None, what: str = "per cent complete", **kwargs):
        """A per cent field named `what` in its error message."""
        super().__init__(label, validators, widget=GovTextInput(), **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        """Read the number; anything but a whole number from 0 to 100 is an error."""
        value = (valuelist[0] if valuelist else "").strip().removesuffix("%").strip()
        if not value:
            self.data = None
            return
        if value.isascii() and value.isdigit() and len(value) <= 3 and int(value) <= 100:
            self.data = int(value)
        else:
            self.data = None
            raise ValueError(f"{self.what[0].upper()}{self.what[1:]} must be a whole number from 0 to 100")

    def post_validate(self, form, validation_stopped):
        """Keep the reading's error even when Optional cleared the errors."""
        for error in self.process_errors:
            if error not in self.errors:
                self.errors.append(error)


class BlankableRadioField(RadioField):
    """Radios whose blank choice ("") stands for None: a record's None shows that choice checked."""

    def process_data(self, value):
        """Read None as the blank choice."""
        super().process_data("" if value is None else value)


def choice_or_none() -> Optional:
    """Optional, for a choice: only an empty value is no choice. Optional() takes a value of spaces for
    none too and, stopping there, drops the field's 'not a valid choice', so ' ' reached the save."""
    return Optional(strip_whitespace=False)


def as_choices(pairs) -> list[SelectChoice]:
    """WTForms' choice objects from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def optional_choices(choices, blank: str = "Not set") -> list[SelectChoice]:
    """Choices with a blank first option."""
    return as_choices([("", blank), *choices])


# --- inspections --------------------------------------------------------------------------


class InspectionFilterForm(TrackerForm):
    """The list's filters, read from the address (GET): no CSRF token needed to read."""

    class Meta:
        csrf = False

    q = SearchField("Title contains", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    year = SelectField("Year published", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    type = SelectField("Type", widget=GovSelect(), choices=optional_choices(InspectionType.choices(), "Any type"),
                       validators=[Optional()])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    state = SelectField("Open or closed", widget=GovSelect(), validators=[Optional()],
                        choices=as_choices([("", "Open and closed"), ("open", "Open"), ("closed", "Closed")]))
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


class InspectionForm(TrackerForm):
    """Add or edit an inspection report."""

    title = StringField("Title of the report", widget=GovTextInput(),
                        validators=[NotBlank("Enter the title of the report"), Length(max=500, message="Title must be 500 characters or fewer")])
    published_on = GovDateField("Date the report was published", what="the date the report was published",
                                validators=[DateRequired("Enter the date the report was published")],
                                description="For example, 17 9 2021")
    type = RadioField("Type of inspection", widget=GovRadioInput(), choices=as_choices(InspectionType.choices()),
                      validators=[InputRequired("Select the type of inspection")])
    url = StringField("Web address of the report on the HMICFRS website", widget=GovTextInput(),
                      validators=[Optional(), Length(max=1000, message="Web address must be 1000 characters or fewer")])
    key_findings = TextAreaField("Key findings", widget=GovTextArea(), validators=[Optional()])
    scope = RadioField("Which forces does it concern?", widget=GovRadioReveal(),
                       choices=as_choices([("all", "Every force (a national or joint inspection)"), ("chosen", "The forces I choose")]),
                       default="all", validators=[InputRequired("Select which forces it concerns")])
    forces = SelectMultipleField("Forces", widget=GovCheckboxesInput(), coerce=int, validate_choice=False)
    source = RadioField("Whose document is it?", widget=GovRadioInput(), choices=as_choices(Source.choices()),
                        default=Source.HMICFRS.value, validators=[choice_or_none()])  # none given: HMICFRS police
    respondent = SelectField("Who must answer it", widget=GovSelect(),
                             choices=as_choices([("", "The source's usual respondent")] + Respondent.choices()),
                             validators=[choice_or_none()])
    reference = StringField("IOPC or coroner's reference", widget=GovTextInput(),
                            validators=[Optional(), Length(max=120, message="Reference must be 120 characters or fewer")])
    coroner_area = StringField("Coroner area", widget=GovTextInput(),
                               validators=[Optional(), Length(max=200, message="Coroner area must be 200 characters or fewer")])
    deceased_name = StringField("The inquest into the death of", widget=GovTextInput(),
                                validators=[Optional(), Length(max=200, message="Name must be 200 characters or fewer")])
    printed_due_on = GovDateField("The date printed on the coroner's report ('namely by')",
                                  what="the date printed on the report")
    target_due_on = GovDateField("The date the OPCC sets for its response (fire action plan, other documents)",
                                 what="the date the OPCC sets")
    submit = SubmitField("Save inspection", widget=GovSubmitInput())

    def source_fields(self) -> dict:
        """The source and its own fields, as the inspections service takes them."""
        return {"source": self.source.data or Source.HMICFRS.value, "respondent": self.respondent.data or None,
                "reference": self.reference.data, "coroner_area": self.coroner_area.data,
                "deceased_name": self.deceased_name.data, "printed_due_on": self.printed_due_on.data,
                "target_due_on": self.target_due_on.data}

    def validate_forces(self, field):
        """Chosen forces need at least one force."""
        if self.scope.data == "chosen" and not field.data:
            raise ValidationError("Select the forces this inspection concerns")

    def validate_url(self, field):
        """Only web addresses."""
        value = (field.data or "").strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")


class EditInspectionForm(InspectionForm):
    """Edit an inspection report, against the version it was opened at."""

    version = VersionField()


class ForceScopeForm(TrackerForm):
    """One force's part of a shared inspection: whether it applies to the force, and if not, why."""

    applies = RadioField("Does this inspection apply to the force?", widget=GovRadioReveal(),
                         choices=as_choices([("yes", "Yes"), ("no", "No, it is left out")]),
                         validators=[InputRequired("Select whether the inspection applies to the force")])
    exclusion_reason = TextAreaField("Why it does not apply", widget=GovTextArea(),
                                     description="Only when it is left out. Other forces see this reason.",
                                     validators=[Length(max=2000, message="Reason must be 2000 characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_exclusion_reason(self, field):
        """A force left out says why."""
        if self.applies.data == "no" and not (field.data or "").strip():
            raise ValidationError("Enter why the inspection does not apply to the force")


class RecommendationForm(TrackerForm):
    """Add or edit an item of a report: a recommendation, area for improvement or cause of concern."""

    ref = StringField("Reference", widget=GovTextInput(), description="As the report numbers it, for example 3.2",
                      validators=[NotBlank("Enter the reference, for example 3.2"), Length(max=60, message="Reference must be 60 characters or fewer")])
    kind = RadioField("Kind", widget=GovRadioInput(), choices=as_choices(Kind.choices()), default=Kind.RECOMMENDATION.value,
                      validators=[InputRequired("Select the kind of item")])
    parent_id = SelectField("Sits under", widget=GovSelect(), validators=[choice_or_none()],
                            description="For example, 4.1 sits under 4")
    addressed_to = StringField("Addressed to", widget=GovTextInput(), description="For example, All chief constables",
                               validators=[Optional(), Length(max=300, message="Addressed to must be 300 characters or fewer")])
    text = TextAreaField("Text", widget=GovTextArea(), validators=[NotBlank("Enter the text of the recommendation")])
    bullets = TextAreaField("Bulleted points", widget=GovTextArea(), description="One per line", validators=[Optional()])
    deadline_text = StringField("Deadline as written in the report", widget=GovTextInput(),
                                description="For example, By March 2022, or immediately. Leave blank if there is none.",
                                validators=[Optional(), Length(max=300, message="Deadline must be 300 characters or fewer")])
    deadline_override = GovDateField("Set a different deadline", what="the deadline",
                                     description="Only if the date read from the text is wrong or missing. For example, 31 3 2022")
    clear_override = BooleanField("Use the date read from the text again", widget=GovCheckboxInput())
    check = SubmitField("Check the deadline", widget=GovSubmitInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class EditRecommendationForm(RecommendationForm):
    """Edit an item of a report, against the version it was opened at."""

    version = VersionField()


# --- tracking, actions and updates --------------------------------------------------------


class TrackingForm(TrackerForm):
    """Edit one force's tracking of a recommendation (editors and administrators)."""

    status = RadioField("Status", widget=GovRadioReveal(), choices=as_choices(TrackingStatus.force_choices()),
                        validators=[InputRequired("Select the status")])
    no_action_reason = TextAreaField("Why no further action is needed", widget=GovTextArea(), validators=[Optional()],
                                     description="Needed when the status is 'No further action needed'; ignored otherwise")
    lead_officer = StringField("Lead officer", widget=GovTextInput(), validators=[Optional(), Length(max=200, message="Lead officer must be 200 characters or fewer")])
    target_date = GovDateField("Target date", what="the target date",
                               description="The force's own date. Leave blank to use the recommendation's deadline.")
    rag_forecast = BlankableRadioField("Forecast RAG", widget=GovRadioInput(), default="",
                              choices=as_choices([("", "Not set"), (Rag.GREEN.value, "On track (green)"), (Rag.AMBER.value, "At risk (amber)"), (Rag.RED.value, "Off track (red)")]),
                              validators=[choice_or_none()])
    percent_complete = PercentField("Per cent complete (optional)", validators=[Optional()],
                                    description="Set by hand, it is shown instead of the share of actions complete. "
                                                "Leave blank to count the actions.")
    blocked_by = TextAreaField("Blocked by an external dependency: what it waits for (optional)", widget=GovTextArea(),
                               validators=[Optional(), Length(max=5_000, message="What it waits for must be 5,000 characters or fewer")],
                               description="For example, national guidance from the College of Policing. Leave blank when nothing outside the force holds it up.")
    chief_comment_not_for_publication = BooleanField("The chief constable's comment is not for publication (kept out of published responses)",
                                                     widget=GovCheckboxInput())
    implemented_on = GovDateField("Date the force marked it implemented", what="the date it was implemented")
    verified_on = GovDateField("Date the OPCC verified it", what="the date it was verified")
    hmicfrs_view = SelectField("HMICFRS's view", widget=GovSelect(), choices=as_choices(HmicfrsView.choices()), validators=[choice_or_none()])
    hmicfrs_view_on = GovDateField("Date of HMICFRS's view", what="the date of HMICFRS's view")
    version = VersionField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_no_action_reason(self, field):
        """No further action needs its reason."""
        if self.status.data == TrackingStatus.NO_FURTHER_ACTION.value and not (field.data or "").strip():
            raise ValidationError("Enter why no further action is needed")


class ChiefCommentForm(TrackerForm):
    """A chief officer (reviewer) edits only the chief constable's comment."""

    chief_comment = TextAreaField("The chief constable's comment", widget=GovTextArea(), validators=[Optional()])
    chief_comment_not_for_publication = BooleanField("The chief constable's comment is not for publication (kept out of published responses)",
                                                     widget=GovCheckboxInput())
    version = VersionField()
    submit = SubmitField("Save comment", widget=GovSubmitInput())


class ActionForm(TrackerForm):
    """Add or edit an action."""

    title = StringField("What the action is", widget=GovTextInput(),
                        validators=[NotBlank("Enter what the action is"), Length(max=300, message="Action must be 300 characters or fewer")])
    owner = StringField("Owner", widget=GovTextInput(), validators=[Optional(), Length(max=200, message="Owner must be 200 characters or fewer")])
    owner_email = StringField("Owner's email address (optional)", widget=GovTextInput(),
                              description="Before the action is due the owner is emailed a link to give an update, with "
                                          "evidence. They do not need an account.",
                              validators=[Optional(), Length(max=320, message="Owner's email address must be 320 characters or fewer")])
    due_on = GovDateField("Due date", what="the due date", description="For example, 31 3 2022")
    status = RadioField("Status", widget=GovRadioInput(), choices=as_choices(ActionStatus.choices()),
                        default=ActionStatus.NOT_STARTED.value, validators=[InputRequired("Select the status")])
    completed_on = GovDateField("Date completed", what="the date completed",
                                description="Leave blank to use today when the status is complete or cancelled")
    evidence = TextAreaField("Evidence", widget=GovTextArea(), validators=[Optional()],
                             description="What shows the action was done")
    not_for_publication = BooleanField("Not for publication (kept out of published responses)", widget=GovCheckboxInput())
    submit = SubmitField("Save action", widget=GovSubmitInput())


    def validate_owner_email(self, field):
        """An address an email can be sent to (it goes into the email's To header as typed)."""
        if (field.data or "").strip() and not is_email_address(field.data):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")


class EditActionForm(ActionForm):
    """Edit an action, against the version it was opened at."""

    version = VersionField()


class ProgressUpdateForm(TrackerForm):
    """Log a dated progress update, with optional evidence files."""

    occurred_on = GovDateField("Date", what="the date", validators=[DateRequired("Enter the date of the update")],
                               description="For example, 8 12 2021")
    text = TextAreaField("What was done", widget=GovTextArea(), validators=[NotBlank("Enter what was done")])
    not_for_publication = BooleanField("Not for publication (kept out of published responses)", widget=GovCheckboxInput())
    text_cy = TextAreaField("What was done, in Welsh (Cymraeg)", widget=GovTextArea(),
                            description="Needed to publish the update: the office publishes in Welsh and English together",
                            validators=[Optional(), Length(max=50_000)])
    public = BooleanField("Publish this update on the public page of the published response", widget=GovCheckboxInput(),
                          description="Members of the public and the Police and Crime Panel see it as progress since publication")
    files = MultipleFileField("Evidence files (optional)", widget=GovFileInput(multiple=True), validators=[SmallEnough()],
                              description="PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV, smaller than 10 MB all together")
    submit = SubmitField("Save update", widget=GovSubmitInput())


class OwnerUpdateForm(TrackerForm):
    """The owner of an action gives an update through an emailed link (no account): what was done, evidence,
    and whether the action has been implemented."""

    text = TextAreaField("What has been done since the last update", widget=GovTextArea(),
                         validators=[NotBlank("Enter what has been done"),
                                     Length(max=20_000, message="The update must be 20,000 characters or fewer")])
    files = MultipleFileField("Evidence files (optional)", widget=GovFileInput(multiple=True), validators=[SmallEnough()],
                              description="PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV, smaller than 10 MB all together")
    implemented = RadioField("Has the action been implemented?", widget=GovRadioInput(),
                             choices=as_choices([("no", "No, work on it continues"), ("yes", "Yes, it has been implemented")]),
                             validators=[InputRequired("Select yes if the action has been implemented")])
    submit = SubmitField("Send update", widget=GovSubmitInput())


class OwnerLinkForm(TrackerForm):
    """A button about an owner's update link (send one now, revoke one): only its CSRF token."""

    submit = SubmitField("Send", widget=GovSubmitInput())


class SignOffForm(TrackerForm):
    """A chief officer signs an action off as complete, with an optional note."""

    version = VersionField()
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5_000)],
                         description="For example, what you checked. Kept with the sign-off.")
    submit = SubmitField("Sign off as complete", widget=GovSubmitInput())


class UndoSignOffForm(TrackerForm):
    """A chief officer takes a sign-off back, until the next publication of the response."""

    version = VersionField()
    submit = SubmitField("Undo the sign-off", widget=GovSubmitInput())


# --- users --------------------------------------------------------------------------------


class UnlockForm(TrackerForm):
    """An administrator lifts a lock after wrong passwords (a button: only its CSRF token)."""

    submit = SubmitField("Unlock the account", widget=GovSubmitInput())


class UnlinkForm(TrackerForm):
    """An administrator unlinks a user from their organisation account (a button: only its CSRF token)."""

    submit = SubmitField("Unlink the organisation account", widget=GovSubmitInput())


class UserForm(TrackerForm):
    """Create or edit a user (administrators)."""

    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[NotBlank("Enter the email address"), Length(max=320)])
    name = StringField("Name", widget=GovTextInput(), validators=[NotBlank("Enter the person's name"), Length(max=200)])
    role = RadioField("Role", widget=GovRadioInput(), choices=as_choices(Role.choices()), default=Role.VIEWER.value,
                      validators=[InputRequired("Select the role")])
    forces = SelectMultipleField("Forces", widget=GovCheckboxesInput(), coerce=int,
                                 validators=[InputRequired("Select at least one force")])
    active = BooleanField("Can sign in", widget=GovCheckboxInput(), default=True)
    password = PasswordField("Password", widget=GovPasswordInput(),
                             description="12 characters or more. Give it to the person in a safe way.")
    submit = SubmitField("Save user", widget=GovSubmitInput())

    def validate_email(self, field):
        """A plausible email address."""
        value = (field.data or "").strip()
        if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
            raise ValidationError("Enter an email address in the correct format, like name@example.com")


class PublicDetailsForm(TrackerForm):
    """The office's public face: its website address and how the public reach it (administrators)."""

    opcc_website = StringField("Website address", widget=GovTextInput(),
                               description="The office's own website, for example https://www.example-pcc.gov.uk",
                               validators=[Optional(), Length(max=500, message="Website address must be 500 characters or fewer")])
    opcc_email = StringField("Email address", widget=GovTextInput(),
                             description="Where the public write, for example to ask for a document in another format",
                             validators=[Optional(), Length(max=320, message="Email address must be 320 characters or fewer")])
    opcc_phone = StringField("Telephone number", widget=GovTextInput(),
                             validators=[Optional(), Length(max=50, message="Telephone number must be 50 characters or fewer")])
    opcc_address = TextAreaField("Postal address", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=1_000, message="Postal address must be 1,000 characters or fewer")])
    works_in_welsh = BooleanField("The office publishes in Welsh and English", widget=GovCheckboxInput(),
                                  description="Under the Welsh Language Standards: progress updates are published on the public page only with their Welsh version")
    # The Welsh names: on Welsh pages and in Welsh documents (the English name where one is blank).
    opcc_name_cy = StringField("Name of the office in Welsh (Cymraeg)", widget=GovTextInput(),
                               description="For example, Swyddfa Comisiynydd Heddlu a Throseddu Dyfed-Powys",
                               validators=[Optional(), Length(max=200, message="Name of the office in Welsh must be 200 characters or fewer")])
    name_cy = StringField("Name of the force in Welsh (Cymraeg)", widget=GovTextInput(),
                          description="For example, Heddlu Dyfed-Powys",
                          validators=[Optional(), Length(max=200, message="Name of the force in Welsh must be 200 characters or fewer")])
    commissioner_title_cy = StringField("The commissioner's title in Welsh (Cymraeg)", widget=GovTextInput(),
                                        description="For example, Comisiynydd Heddlu a Throseddu",
                                        validators=[Optional(), Length(max=200, message="The commissioner's title in Welsh must be 200 characters or fewer")])
    submit = SubmitField("Save details", widget=GovSubmitInput())

    def validate_opcc_website(self, field):
        """A web address of a site: https:// (or http://), a host name with a dot, no spaces."""
        value = (field.data or "").strip()
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0]
        if value and (scheme.lower() not in ("https", "http") or " " in value or "." not in host
                      or host.startswith(".") or host.endswith(".")):
            raise ValidationError("Enter a website address in the correct format, like https://www.example.gov.uk")

    def validate_opcc_email(self, field):
        """A plausible email address."""
        value = (field.data or "").strip()
        if value and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
            raise ValidationError("Enter an email address in the correct format, like name@example.com")

    def validate_opcc_phone(self, field):
        """Digits, spaces, brackets, hyphens and a leading plus: what a telephone number is written with."""
        value = (field.data or "").strip()
        if value and (not any(c.isdigit() for c in value)
                      or any(not (c.isdigit() or c in " ()-+") for c in value) or "+" in value[1:]):
            raise ValidationError("Enter a telephone number, like 01234 567 890 or +44 1234 567 890")


class PasswordForm(TrackerForm):
    """Reset a user's password (administrators)."""

    password = PasswordField("New password", widget=GovPasswordInput(), description="12 characters or more",
                             validators=[InputRequired("Enter the new password")])
    submit = SubmitField("Reset password", widget=GovSubmitInput())

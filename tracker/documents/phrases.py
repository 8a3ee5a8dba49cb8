"""The response document's own words in English and Welsh (Cymraeg): its headings, labels, the
sentences it always prints, and its dates.

The document is written in one language, given when it is rendered ("en" or "cy"); what the PCC
writes comes from the fields of that language, and HMICFRS's own text (the report's title, the
recommendations) stays in English, marked lang="en". The fixed words are here, in one place, keyed by
their English: `Words(language)("Key findings")` is "Prif ganfyddiadau" in Welsh.

The Welsh is the team's translation, to be reviewed by a Welsh speaker before it is relied on.
A phrase missing from WELSH is an error (KeyError), never English slipped into a Welsh document.
"""

from __future__ import annotations

from datetime import date

from tracker.domain.formatting import govuk_date

ENGLISH, WELSH = "en", "cy"
LANGUAGES = (ENGLISH, WELSH)
# The language of the whole document, as its html lang, PDF /Lang and Word w:lang say it.
DOCUMENT_LANG = {ENGLISH: "en-GB", WELSH: "cy"}
WORD_LANG = {ENGLISH: "en-GB", WELSH: "cy-GB"}

WELSH_PHRASES = {
    # The document's parts.
    "Published on {date} (version {number}) by the {commissioner}":
        # "ar ran" (on behalf of) takes the title unmutated, where "gan" (by) would mutate it.
        "Cyhoeddwyd ar {date} (fersiwn {number}) ar ran {commissioner}",
    "Approved on behalf of the Police and Crime Commissioner by {name}.":
        "Cymeradwywyd ar ran y Comisiynydd Heddlu a Throseddu gan {name}.",
    "Draft: not published.": "Drafft: heb ei gyhoeddi.",
    "This copy is for checking before publication: its publication date and version are given when it is published.":
        "Mae'r copi hwn i'w wirio cyn ei gyhoeddi: rhoddir ei ddyddiad cyhoeddi a'i fersiwn pan gaiff ei gyhoeddi.",
    "Draft, not published": "Drafft, heb ei gyhoeddi",
    "Draft: not published. The publication date and version are given when it is published.":
        "Drafft: heb ei gyhoeddi. Rhoddir y dyddiad cyhoeddi a'r fersiwn pan gaiff ei gyhoeddi.",
    "Response under section 55 of the Police Act 1996 to {title}": "Ymateb o dan adran 55 o Ddeddf yr Heddlu 1996 i {title}",
    "Page": "Tudalen",
    "of": "o",
    "The inspection": "Yr arolygiad",
    "Inspection title": "Teitl yr arolygiad",
    "Title": "Teitl",
    "Date published": "Dyddiad cyhoeddi",
    "Type of inspection": "Math o arolygiad",
    "Reference": "Cyfeirnod",
    "Coroner area": "Ardal y crwner",
    "The inquest into the death of": "Y cwest i farwolaeth",
    "Answered by": "Yn cael ei ateb gan",
    "HMICFRS report": "Adroddiad HMICFRS",
    "The report": "Yr adroddiad",
    "Response due by": "Dyddiad cau'r ymateb",
    "Key findings": "Prif ganfyddiadau",
    "Recommendations and the PCC's explanations": "Argymhellion ac esboniadau'r Comisiynydd",
    "Matters of concern and the response": "Materion sy'n peri pryder a'r ymateb",
    "Recommendations and the response": "Argymhellion a'r ymateb",
    "Recommendations and the action planned": "Argymhellion a'r camau a gynlluniwyd",
    "The report makes no recommendations that this force is to answer.":
        "Nid yw'r adroddiad yn gwneud unrhyw argymhellion y mae'n rhaid i'r heddlu hwn eu hateb.",
    "Addressed to:": "Wedi'i gyfeirio at:",
    "Deadline:": "Terfyn amser:",
    "The PCC's explanation": "Esboniad y Comisiynydd",
    "The response": "Yr ymateb",
    "Action planned": "Camau a gynlluniwyd",
    "[The PCC's explanation will appear here.]": "[Bydd esboniad y Comisiynydd yn ymddangos yma.]",
    "No explanation is required: this {kind} is not addressed to the force or the PCC.":
        "Nid oes angen esboniad: nid yw'r {kind} hwn wedi'i gyfeirio at yr heddlu na'r Comisiynydd.",
    "No answer is required: this {kind} is not addressed to the force or the PCC.":
        "Nid oes angen ateb: nid yw'r {kind} hwn wedi'i gyfeirio at yr heddlu na'r Comisiynydd.",
    "The chief constable's comment": "Sylw'r prif gwnstabl",
    "Not for publication": "Nid i'w gyhoeddi",
    "Action taken or proposed": "Camau a gymerwyd neu a gynigir",
    "due {date}": "i'w gwblhau erbyn {date}",
    "Recommendations addressed to other bodies": "Argymhellion wedi'u cyfeirio at gyrff eraill",
    "These recommendations are addressed to other bodies. They do not require the force's action; the force follows "
    "them for information.":
        "Mae'r argymhellion hyn wedi'u cyfeirio at gyrff eraill. Nid oes angen i'r heddlu weithredu arnynt; mae'r "
        "heddlu yn eu dilyn er gwybodaeth.",
    "for information, addressed to": "er gwybodaeth, wedi'i gyfeirio at",
    "for information, addressed to another body": "er gwybodaeth, wedi'i gyfeirio at gorff arall",
    "The PCC's comment": "Sylw'r Comisiynydd",
    "The PCC's comments": "Sylwadau'r Comisiynydd",
    "[The PCC's comments will appear here.]": "[Bydd sylwadau'r Comisiynydd yn ymddangos yma.]",
    "The chief constable's comments": "Sylwadau'r prif gwnstabl",
    "[The chief constable's comments will appear here.]": "[Bydd sylwadau'r prif gwnstabl yn ymddangos yma.]",
    "The PCC's response to the chief constable's comments": "Ymateb y Comisiynydd i sylwadau'r prif gwnstabl",
    "Comments": "Sylwadau",
    "Some operationally sensitive detail has been withheld from this published version of the response.":
        "Mae rhai manylion sy'n sensitif o ran gweithrediadau wedi'u hatal o'r fersiwn hon o'r ymateb a gyhoeddwyd.",
    # The document's titles ("{who}" is the respondent, "{title}" the report's own title, kept in English).
    "{commissioner}'s response to {title}": "Ymateb {commissioner} i {title}",
    "Action plan on HMICFRS's inspection of fire and rescue services in {area}":
        "Cynllun gweithredu ar arolygiad HMICFRS o wasanaethau tân ac achub yn {area}",
    "{force}: response to the IOPC's recommendations ({who})": "{force}: ymateb i argymhellion yr IOPC ({who})",
    "{force}: response to the coroner's report to prevent future deaths ({who})":
        "{force}: ymateb i adroddiad y crwner i atal marwolaethau yn y dyfodol ({who})",
    "{force}: response to {title}": "{force}: ymateb i {title}",
    # Labels of the register's kinds, types, statuses, sources and respondents.
    "Recommendation": "Argymhelliad",
    "Area for improvement": "Maes i'w wella",
    "Cause of concern": "Achos pryder",
    "PEEL assessment": "Asesiad PEEL",
    "National thematic inspection": "Arolygiad thematig cenedlaethol",
    "Joint inspection": "Arolygiad ar y cyd",
    "Force-specific inspection": "Arolygiad o'r heddlu penodol",
    "PCC-commissioned inspection": "Arolygiad a gomisiynwyd gan y Comisiynydd",
    "Other": "Arall",
    "Not started": "Heb ddechrau",
    "In progress": "Ar waith",
    "Complete": "Wedi'i gwblhau",
    "Cancelled": "Wedi'i ganslo",
    "HMICFRS police inspection": "Arolygiad heddlu HMICFRS",
    "HMICFRS fire and rescue inspection": "Arolygiad tân ac achub HMICFRS",
    "IOPC recommendation": "Argymhelliad yr IOPC",
    "Coroner's report to prevent future deaths": "Adroddiad y crwner i atal marwolaethau yn y dyfodol",
    "Other (internal audit, peer review)": "Arall (archwiliad mewnol, adolygiad gan gymheiriaid)",
    "Date of publication": "Dyddiad cyhoeddi",
    "Date the recommendation was made": "Dyddiad gwneud yr argymhelliad",
    "Date of the report": "Dyddiad yr adroddiad",
    "Date of the document": "Dyddiad y ddogfen",
    "The chief constable": "Y prif gwnstabl",
    "The police and crime commissioner": "Y comisiynydd heddlu a throseddu",
    "The fire and rescue authority": "Yr awdurdod tân ac achub",
}


class Words:
    """The document's fixed words and dates in one language: `words("Key findings")`, `words.date(day)`."""

    def __init__(self, language: str):
        """Words of `language` ("en" or "cy"); any other is refused."""
        if language not in LANGUAGES:
            raise ValueError(f"not a language of the documents: {language!r}")
        self.language = language
        self.lang = DOCUMENT_LANG[language]

    @property
    def welsh(self) -> bool:
        """Whether the document is the Welsh copy."""
        return self.language == WELSH

    def __call__(self, english: str, **values) -> str:
        """The phrase in this language, with its {placeholders} filled (plain text: templates escape it)."""
        text = WELSH_PHRASES[english] if self.welsh else english
        return text.format(**values) if values else text

    def date(self, value: date | None) -> str:
        """'1 April 2022', or '1 Ebrill 2022' in Welsh."""
        return govuk_date(value, self.language)

    def lowered(self, english: str) -> str:
        """A label inside a sentence: its first letter lowered ('recommendation', 'argymhelliad')."""
        text = self(english)
        return text[:1].lower() + text[1:]

"""Who a recommendation is addressed to: the subject of its first 'should'."""

from __future__ import annotations

import re

from tracker.domain.deadlines import find_deadline_phrase

# --- who a recommendation is addressed to ----------------------------------------------------

_PROPER_NOUNS = [
    "Home Office", "Home Secretary", "College of Policing", "National Police Chiefs' Council",
    "National Police Chiefs’ Council", "Crown Prosecution Service", "Ministry of Justice",
    "National Crime Agency", "Independent Office for Police Conduct", "Association of Police and Crime Commissioners",
    "Department for Education", "Department of Health and Social Care", "Department for Levelling Up",
    "Department for Transport", "His Majesty's Courts and Tribunals Service", "HM Courts and Tribunals Service",
    "Her Majesty's Inspectorate", "His Majesty's Inspectorate", "Welsh Government", "Scottish Government",
    "Cabinet Office", "HM Treasury", "Treasury", "Government", "Metropolitan Police Service",
    "British Transport Police", "Police Digital Service", "Police Scotland", "HM Prison and Probation Service",
    "His Majesty's Prison and Probation Service", "Her Majesty's Prison and Probation Service", "NHS England",
    "National Police Chiefs’ Council", "Independent Office for Police Conduct", "Police and Crime Panel",
]
_PROPER_RE = re.compile("|".join(re.escape(p) for p in sorted(_PROPER_NOUNS, key=len, reverse=True)), re.IGNORECASE)
_CANONICAL = {p.lower(): p for p in _PROPER_NOUNS}
_LEAD_IN = re.compile(r"^(?:we (?:also )?recommend that|hmicfrs recommends that|hmic recommends that|"
                      r"it is recommended that),?\s+", re.IGNORECASE)


def _case_addressee(subject: str) -> str:
    """Sentence-case a subject ("All Police Forces" → "All police forces"), keeping names and acronyms."""
    out, pos = [], 0
    for m in _PROPER_RE.finditer(subject):
        out.append(_lower_words(subject[pos:m.start()]))
        out.append(_CANONICAL.get(m.group(0).lower(), m.group(0)))
        pos = m.end()
    out.append(_lower_words(subject[pos:]))
    result = "".join(out).strip()
    return result[:1].upper() + result[1:]


# Words of roles and bodies that reports capitalise but a sentence does not ("All Chief Constables").
# Other capitalised words are taken for names ("the Chief Constable of Cumbria Constabulary").
_GENERIC_WORDS = {
    "all", "the", "every", "each", "and", "of", "for", "with", "in", "their", "its", "other", "relevant",
    "police", "policing", "force", "forces", "forces'", "forces\u2019", "chief", "chiefs", "constable", "constables",
    "officer", "officers", "commissioner", "commissioners", "crime", "crimes", "local", "national", "bodies", "body",
    "leaders", "leader", "senior", "partners", "partner", "organisations", "agencies", "services", "service",
    "government", "departments", "department", "working", "together", "fire", "rescue", "authorities", "authority",
}


def _lower_words(text: str) -> str:
    """Lower-case the ordinary words of roles and bodies, keeping names and acronyms (NPCC, PCCs)."""
    def fold(m: re.Match) -> str:
        """Lower-case one word if it is an ordinary role word."""
        word = m.group(0)
        return word.lower() if word.lower() in _GENERIC_WORDS and not _is_acronym(word) else word

    return re.sub(r"[A-Za-z][\w'\u2019]*", fold, text)


def _is_acronym(word: str) -> bool:
    """True for NPCC, PCCs, HMICFRS, CPS (two or more capitals)."""
    return sum(1 for ch in word if ch.isupper()) >= 2


def find_addressee(text: str, deadline_text: str | None = None) -> str | None:
    """Who the recommendation asks to act: the subject of its first 'should', or None if passive."""
    subject, verb = _subject(text, deadline_text)
    if subject is None or verb == "be":  # "Structures and funding should be put in place": passive
        return None
    words = subject.split()
    if not words or len(words) > 16 or not words[0][0].isalpha():
        return None
    return _case_addressee(subject)


_SHOULD = re.compile(r"(?:^|\s)(should|must|are to|is to|needs to|need to)\b\s*(\w+)?", re.IGNORECASE)
# Words that open a sentence before its subject: "In order to ..., the force should", "By March 2023, forces".
_LEAD_WORDS = re.compile(r"^(?:in order to|to|in addition|where|if|when|as|following|given|for|with|without|"
                         r"immediately|now|within|by|no later than|not later than|in the|over the|from)\b", re.IGNORECASE)
# Who acts, found at the end of a long subject: "To improve the service ... the force".
_TRAILING_ACTOR = re.compile(
    r"\b((?:the|all|every|each|those|relevant|other)\s+(?:[\w\u2019'-]+\s+){0,5}?"
    r"(?:forces?|constabulary|constabularies|chief constables?|chief officers?|commissioners?|pccs?|police|"
    r"council|college of policing|home office|government|agency|service|personnel|staff|officers|leads?|bodies|partners))$",
    re.IGNORECASE)


_SHOULD_ONLY = re.compile(r"(?:^|\s)(should|must)\b\s*(\w+)?", re.IGNORECASE)


def _subject(text: str, deadline_text: str | None = None,
             verbs: re.Pattern = _SHOULD) -> tuple[str | None, str | None]:
    """The words before the first sentence's 'should' (lead-in and deadline removed), and the verb after it."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]
    first = _LEAD_IN.sub("", first)
    m = verbs.search(first)
    if not m:
        return None, None
    subject = first[: m.start()].strip(" ,;:")
    if deadline_text and subject.lower().startswith(deadline_text.lower()):
        subject = subject[len(deadline_text):].strip(" ,")
    if "," in subject:
        head, rest = subject.split(",", 1)
        if find_deadline_phrase(head) or _LEAD_WORDS.match(head.strip()):
            # "In order to ..., offer ..., the force": the subject is the last part that names someone.
            first_part, last = rest.split(",", 1)[0], rest.rsplit(",", 1)[-1].strip()
            subject = last if "," in rest and _ACTORS.search(last) and not _ACTORS.search(first_part) \
                else rest.strip(" ,")
    if _LEAD_WORDS.match(subject) or len(subject.split()) > 16:
        actor = _TRAILING_ACTOR.search(subject.rsplit(",", 1)[-1].strip())
        subject = actor.group(1) if actor else subject
    return subject, (m.group(2) or "").lower()


# --- is this sentence a recommendation? -------------------------------------------------------

# The people and bodies a recommendation asks to act.
_ACTORS = re.compile(
    r"\b(?:forces?|constabulary|constabularies|chief constables?|chief officers?|commissioners?|pccs?|npcc|police|"
    r"policing|college|home office|home secretary|government|cps|crown prosecution service|council|agency|agencies|"
    r"services?|ministry|department|personnel|staff|officers|leads?|bodies|partners|hmicfrs|inspectorate)\b",
    re.IGNORECASE)
# A subject that is someone's account, not an instruction: "the PCC has decided ...", "we said that the force".
_NOT_A_SUBJECT = re.compile(
    r"\b(?:i|we|you|he|she|it|they|us|our|my|has|have|had|was|were|is|are|will|would|said|says|decided|noted|"
    r"stated|agreed|asked|explained|believes?|thinks?|recommended|found|identified)\b",
    re.IGNORECASE)


_RELATIVE_CLAUSE = re.compile(r",?\s*\b(?:that|who|which)\b[^,]*", re.IGNORECASE)


def is_directive(text: str, deadline_text: str | None = None, needs_to: bool = False) -> bool:
    """True when the text's first sentence tells someone to act: "Within six months, the force should review".

    With `needs_to`, "the force needs to" counts too (under a heading that says items follow).
    Its subject must name whoever acts (a force, chief constables, a body, staff), and must not be
    someone's account of it ("the PCC has decided that ... should", "we said that the force should").
    """
    subject, _ = _subject(text, deadline_text or find_deadline_phrase(text), _SHOULD if needs_to else _SHOULD_ONLY)
    if not subject:
        return False
    subject = _RELATIVE_CLAUSE.sub("", subject)  # "those forces ..., that have not yet done so"
    if len(subject.split()) > 16 or _NOT_A_SUBJECT.search(subject):
        return False
    return bool(_ACTORS.search(subject))

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
_LEAD_IN = re.compile(r"^(?:we recommend that|hmicfrs recommends that|we also recommend that|it is recommended that),?\s+",
                      re.IGNORECASE)


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
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]
    first = _LEAD_IN.sub("", first)
    m = re.search(r"\s(should|must|are to|is to|needs to|need to)\b\s*(\w+)?", first)
    if not m:
        return None
    if (m.group(2) or "").lower() == "be":  # "Structures and funding should be put in place": passive
        return None
    subject = first[: m.start()].strip(" ,;:")
    if "," in subject:
        head, rest = subject.split(",", 1)
        phrase = find_deadline_phrase(head)
        if phrase or re.match(r"^(?:immediately|now|within|by|in the|over the|from)\b", head.strip(), re.IGNORECASE):
            subject = rest.strip(" ,")
    elif deadline_text and subject.lower().startswith(deadline_text.lower()):
        subject = subject[len(deadline_text):].strip(" ,")
    words = subject.split()
    if not words or len(words) > 16 or not (words[0][0].isalpha()):
        return None
    return _case_addressee(subject)

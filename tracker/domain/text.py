"""Text as people type it and as files must hold it: without control characters.

A NUL or another control character is never meant: it cannot be typed, it is not allowed in XML
(the Atom feed, the cells of an .xlsx workbook) nor in iCalendar, and it is invisible on a page.
The forms take them out of everything typed; the exports take them out of anything stored before.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the UTF-16
# surrogates and the two non-characters XML 1.0 does not allow.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("\r\n|[\t\n\r]")


def printable(text: str, *, multiline: bool = True) -> str:
    """The text without control characters; tabs and line breaks kept when it may run over lines.

    A one-line text has its tabs and line breaks turned into spaces, so words stay apart.
    """
    text = _CONTROL.sub("", text)
    return text if multiline else _LINE_BREAK.sub(" ", text)

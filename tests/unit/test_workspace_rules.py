"""Small rules of the staff workspace, tested directly: evidence files, bullets, history wording."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.formatting import audit_value, field_label, history_changes
from tracker.services import DomainError
from tracker.services.evidence import check_file, display_name
from tracker.services.inspections import clean_bullets


@given(st.text())
def test_a_display_name_never_holds_a_folder_or_a_control_character(name):
    shown = display_name(name)
    assert shown and "/" not in shown and "\\" not in shown and len(shown) <= 120
    assert all(ord(ch) >= 32 and ch != "\x7f" for ch in shown)
    assert shown not in (".", "..")


@pytest.mark.parametrize("name, shown", [("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\me\\Board.pdf", "Board.pdf"),
                                         ("", "evidence"), ("  report .pdf ", "report .pdf"), ("a\x00b.txt", "ab.txt")])
def test_display_names(name, shown):
    assert display_name(name) == shown


@pytest.mark.parametrize("name, data", [("a.pdf", b"%PDF-1.7 ..."), ("b.DOCX", b"PK\x03\x04..."), ("c.png", b"\x89PNG\r\n\x1a\n.."),
                                        ("d.jpeg", b"\xff\xd8\xff\xe0"), ("e.csv", "a,b\nÅ,c".encode()), ("f.txt", b"notes")])
def test_accepted_files(name, data):
    assert check_file(name, data).content_type


@pytest.mark.parametrize("name, data", [("a.exe", b"MZ"), ("a.pdf", b"<html>"), ("a.txt", b"\xff\xfe\x00x"), ("a", b"x"),
                                        ("a.pdf", b""), ("a.html", b"<script>")])
def test_refused_files(name, data):
    with pytest.raises(DomainError) as error:
        check_file(name, data)
    assert error.value.field == "files"


def test_bullets_one_per_line_without_markers():
    assert clean_bullets("- one\n\n* two\n• three\n(a) four\n  five  \n") == ["one", "two", "three", "four", "five"]
    assert clean_bullets(None) == []


def test_history_wording():
    assert audit_value("no_further_action", "status") == "No further action needed"
    assert audit_value("closed", "lead_officer") == "closed" and audit_value("closed", "hmicfrs_view") == "Closed by HMICFRS"
    assert audit_value("2022-03-31") == "31 March 2022"
    assert audit_value(False) == "No" and audit_value(None) == "(blank)" and audit_value(["a", "b"]) == "a; b"
    assert audit_value("amber", "rag_forecast") == "Amber"
    assert field_label("pcc_explanation") == "PCC's explanation (s.55(5B))" and field_label("new_thing") == "New thing"
    assert history_changes({"id": [None, 3], "lead_officer": [None, "A"]}) == [("lead_officer", [None, "A"])]

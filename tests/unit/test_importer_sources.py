"""The importer on a coroner's report to prevent future deaths and on an IOPC recommendation letter.

The texts follow the Chief Coroner's template and the IOPC's letters in shape; the names and facts
in them are invented.
"""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.importer import parse_text
from tracker.domain.importer.sources import iopc_made_on, is_coroners_report
from tracker.domain.statuses import Kind

CORONER_REPORT = """REGULATION 28: REPORT TO PREVENT FUTURE DEATHS

THIS REPORT IS BEING SENT TO:
1. Chief Constable of Exampleshire Police
2. Police and Crime Commissioner for Exampleshire

1 CORONER
I am Jane Doe, Senior Coroner for the coroner area of Exampleshire

2 CORONER'S LEGAL POWERS
I make this report under paragraph 7, Schedule 5, of the Coroners and Justice Act 2009 and
regulations 28 and 29 of the Coroners (Investigations) Regulations 2013.

5 CORONER'S CONCERNS
During the course of the inquest the evidence revealed matters giving rise to concern. In my
opinion there is a risk that future deaths will occur unless action is taken. In the
circumstances it is my statutory duty to report to you.

The MATTERS OF CONCERN are as follows. -

1. Custody officers did not record the rousing checks
required by the care plan.

2. There is no system to make sure that a detained person's
medication is brought to the custody suite.

6 ACTION SHOULD BE TAKEN
In my opinion action should be taken to prevent future deaths and I believe you have the power
to take such action.

7 YOUR RESPONSE
You are under a duty to respond to this report within 56 days of the date of this report, namely
by 8 May 2024. I, the coroner, may extend the period.

9 13 March 2024
Jane Doe, Senior Coroner
"""


def test_a_coroners_report_gives_its_numbered_matters_of_concern_as_recommendations():
    result = parse_text(CORONER_REPORT)
    assert [(i.ref, i.kind) for i in result.items] == [("1", Kind.RECOMMENDATION), ("2", Kind.RECOMMENDATION)]
    assert result.items[0].text == "Custody officers did not record the rousing checks required by the care plan."
    assert result.items[1].text.startswith("There is no system")


def test_each_matter_of_concern_is_due_on_the_namely_by_date_and_addressed_to_whom_the_report_is_sent():
    result = parse_text(CORONER_REPORT)
    for item in result.items:
        assert item.deadline == date(2024, 5, 8)
        assert item.deadline_text == "namely by 8 May 2024"
        assert item.addressed_to == ("Chief Constable of Exampleshire Police; "
                                     "Police and Crime Commissioner for Exampleshire")
        assert item.flags == []


def test_the_dates_a_coroners_report_states_are_read():
    result = parse_text(CORONER_REPORT)
    assert [(label, when) for label, when, _ in result.dates] == [
        ("Date of the report", date(2024, 3, 13)), ("Response due (namely by)", date(2024, 5, 8))]
    assert result.as_json()["dates"][1] == {"label": "Response due (namely by)", "date": "2024-05-08",
                                            "words": "namely by 8 May 2024"}


def test_a_labelled_report_date_is_preferred_to_the_signature():
    text = CORONER_REPORT.replace("REGULATION 28:", "Date: 12 March 2024\nREGULATION 28:")
    assert parse_text(text).dates[0][1] == date(2024, 3, 12)


def test_matters_of_concern_numbered_in_brackets_or_roman_numerals_under_the_heading():
    for one, two in (("(1)", "(2)"), ("(i)", "(ii)")):
        text = ("Report to prevent future deaths\nMATTERS OF CONCERN\n"
                f"{one} The force has no policy on welfare checks.\n{two} Officers are not trained in first aid.\n"
                "ACTION SHOULD BE TAKEN\nnamely by 1 March 2024\n")
        result = parse_text(text)
        assert [i.ref for i in result.items] == [one.strip("()"), two.strip("()")], one
        assert result.items[1].text == "Officers are not trained in first aid."


def test_lettered_points_and_other_numbering_inside_a_concern_stay_with_it():
    text = ("Regulation 28 report\nMATTERS OF CONCERN\n1. The force's policy does not say:\n(i) who checks;\n"
            "(ii) how often.\n2. Nobody audits the checks.\nYOUR RESPONSE\n")
    result = parse_text(text)
    assert [i.ref for i in result.items] == ["1", "2"]
    assert "(ii) how often." in result.items[0].text


def test_a_report_without_a_namely_by_date_or_a_readable_addressee_flags_its_items():
    result = parse_text("Coroner's report\nMATTERS OF CONCERN\n1. Cells are not checked.\n")
    item = result.items[0]
    assert item.deadline is None and item.addressed_to is None
    assert any("namely by" in flag for flag in item.flags)
    assert any("who it is sent to" in flag for flag in item.flags)
    assert result.dates == []


def test_a_single_unnumbered_concern_is_read_and_flagged():
    result = parse_text("Prevention of future deaths report\nCORONER'S CONCERNS\nThe cell call bell was disabled.\n"
                        "ACTION SHOULD BE TAKEN\n")
    assert [(i.ref, i.text) for i in result.items] == [(None, "The cell call bell was disabled.")]
    assert "The text gives no reference: add one" in result.items[0].flags


def test_a_coroners_report_with_no_concerns_listed_gives_the_no_items_warning():
    result = parse_text("Regulation 28 report\nMATTERS OF CONCERN\n\nACTION SHOULD BE TAKEN\n")
    assert result.items == []
    assert result.warnings[0].message.startswith("No recommendations")


def test_a_response_to_a_coroner_is_not_read_as_a_report():
    response = ("Dear Senior Coroner,\nRegulation 28 report: response of the Chief Constable\n"
                "1. The force has reviewed its custody policy and retrained its officers.\n")
    assert not is_coroners_report(response)


def test_an_hmicfrs_text_that_mentions_a_coroner_is_read_as_before():
    text = ("Recommendations\n1. By 31 March 2024, chief constables should review how coroners' reports "
            "to prevent future deaths are answered.\n")
    result = parse_text(text)
    assert [i.ref for i in result.items] == ["1"] and result.dates == []


IOPC_LETTER = """Independent Office for Police Conduct
Learning recommendations to Exampleshire Police
Date recommendation made: 4 April 2023

Recommendations
1. The IOPC recommends that Exampleshire Police should remind officers of the duty to record
their use of force.
2. Exampleshire Police should review its training on dealing with acute behavioural disturbance.
"""


def test_an_iopc_letter_gives_its_numbered_recommendations_and_the_date_they_were_made():
    result = parse_text(IOPC_LETTER)
    assert [(i.ref, i.kind) for i in result.items] == [("1", Kind.RECOMMENDATION), ("2", Kind.RECOMMENDATION)]
    assert [(label, when) for label, when, _ in result.dates] == [("Recommendations made", date(2023, 4, 4))]


def test_the_ways_an_iopc_text_says_when_it_made_its_recommendations():
    for words, when in (
            ("The IOPC made the following learning recommendations to Exampleshire Police on 3 May 2023.",
             date(2023, 5, 3)),
            ("These recommendations were made on 12th June 2022 by the IOPC.", date(2022, 6, 12)),
            ("On 1 February 2024, the IOPC made two recommendations.", date(2024, 2, 1))):
        assert iopc_made_on(words)[0] == when, words


def test_a_date_made_is_read_only_from_an_iopc_text_and_only_a_real_date():
    assert iopc_made_on("Recommendations were made on 3 May 2023 by the inspectorate.") is None
    assert iopc_made_on("IOPC: recommendations were made on 31 February 2023.") is None


_CORONER_LINES = st.sampled_from([
    "MATTERS OF CONCERN", "CORONER'S CONCERNS", "The MATTERS OF CONCERN are as follows:", "ACTION SHOULD BE TAKEN",
    "YOUR RESPONSE", "THIS REPORT IS BEING SENT TO:", "1. Chief Constable", "(1) a concern", "(ii) another",
    "2. The force should act.", "namely by 31 February 2024", "namely by 1 March 2024", "Date: 2 January 2024",
    "9 13 March 2024", "I am the coroner", "", "Regulation 28", "| 3 | a table cell |", "IOPC",
    "Date recommendation made: 4 April 2023",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_CORONER_LINES, max_size=25))
def test_any_arrangement_of_coroners_and_iopc_lines_parses_without_error(lines):
    result = parse_text("\n".join(lines))
    assert isinstance(result.items, list)
    assert result.items or result.warnings[0].message.startswith("No recommendations")


def test_matters_of_concern_run_together_in_one_line_are_read_one_by_one():
    """A page's text copied into one line: "as follows – 1. ... 2. ... 3. ... 6" (the next section's number)."""
    line = ("During the course of the inquest the evidence revealed matters giving rise to concern. The MATTERS OF "
            "CONCERN are as follows – 1. Custody officers did not record the checks; 2. There is no system for "
            "medication; 3. Staff were not trained in its use. 6")
    result = parse_text(line)
    assert [(i.ref, i.text) for i in result.items] == [
        ("1", "Custody officers did not record the checks"), ("2", "There is no system for medication"),
        ("3", "Staff were not trained in its use.")]
    bracketed = parse_text("At the inquest: The MATTERS OF CONCERN are as follows. – 2 (1) That the first was "
                           "cancelled. (2) That the swift dispatch did not allow it. 6")
    assert [(i.ref, i.text) for i in bracketed.items] == [("1", "That the first was cancelled."),
                                                          ("2", "That the swift dispatch did not allow it.")]


def test_a_number_inside_one_matter_of_concern_does_not_split_it():
    """One numbered concern mentioning "2." or a second "(1)" out of sequence stays one item."""
    result = parse_text("Inquest. The MATTERS OF CONCERN are as follows:\n\n1. The policy at section 4. Training was "
                        "missed and 3. Officers did not know it.\n")
    assert [(i.ref, i.text) for i in result.items] == [
        ("1", "The policy at section 4. Training was missed and 3. Officers did not know it.")]

"""The shapes real HMICFRS and PCC texts come in, one rule at a time, and two properties of the
parser: no input makes it raise, and its time grows no more than linearly with the text."""

import time
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.importer import parse_text
from tracker.domain.importer.published import find_publication_date
from tracker.domain.statuses import Kind

R, AFI, COC = Kind.RECOMMENDATION, Kind.AREA_FOR_IMPROVEMENT, Kind.CAUSE_OF_CONCERN


def shape(result):
    """(ref, kind, first words) of every item read."""
    return [(i.ref, i.kind, " ".join(i.text.split()[:4])) for i in result.items]


# --- labelled items with no number -------------------------------------------------------------


def test_a_labelled_cause_then_recommendations_on_the_same_line_and_in_plain_paragraphs():
    text = """Cause of concern:
The force does not understand the demand it faces.

Recommendations: Within six months, the force should review its demand analysis.

The force should train its analysts.
"""
    result = parse_text(text, date(2022, 3, 1))
    assert shape(result) == [(None, COC, "The force does not"), (None, R, "Within six months, the"),
                             (None, R, "The force should train")]
    assert result.items[1].deadline == date(2022, 9, 1)


def test_a_label_run_into_its_text_without_a_colon():
    result = parse_text("Cause of concern Forces do not record stalking well.\n\n"
                        "Recommendation\nForces should record stalking as stalking.\n")
    assert shape(result) == [(None, COC, "Forces do not record"), (None, R, "Forces should record stalking")]


def test_areas_for_improvement_on_one_line_each_without_a_full_stop():
    text = """Areas for improvement
The force should improve how it supervises investigations
The force should make sure victims are updated
"""
    assert shape(parse_text(text)) == [(None, AFI, "The force should improve"), (None, AFI, "The force should make")]


def test_minutes_that_call_an_area_for_improvement_an_action_for_further_improvement():
    text = """Action for Further Improvement 3: The force should review its use of stop and search.

AFI 4 - The force should publish its stop and search data.
"""
    assert shape(parse_text(text)) == [("3", AFI, "The force should review"), ("4", AFI, "The force should publish")]


def test_recommendation_1_is_reference_1_of_kind_recommendation():
    result = parse_text("Recommendation 1\nBy 31 March 2023, the Home Office should publish guidance.\n")
    assert shape(result) == [("1", R, "By 31 March 2023,")]


# --- deadlines anywhere in the sentence ---------------------------------------------------------


def test_deadlines_written_anywhere_in_the_sentence():
    published = date(2021, 9, 17)
    text = """Recommendations

1. Forces should, without delay, review their stalking policies.

2. We recommend that, within six months, chief constables should appoint a stalking lead.

3. No later than 31 March 2023, forces should train their call handlers.

4. By March 2023, the NPCC should publish national guidance.
"""
    items = parse_text(text, published).items
    assert [(i.deadline_text, i.deadline) for i in items] == [
        ("without delay", published), ("within six months", date(2022, 3, 17)),
        ("No later than 31 March 2023", date(2023, 3, 31)), ("By March 2023", date(2023, 3, 31))]
    assert [i.addressed_to for i in items] == ["Forces", "Chief constables", "Forces", "The NPCC"]


def test_two_deadlines_in_one_recommendation_are_flagged():
    text = ("Recommendations\n1. Within six months, all forces should review their policies; forces in Engage "
            "should do so immediately.\n")
    item = parse_text(text, date(2022, 1, 10)).items[0]
    assert item.deadline == date(2022, 7, 10)
    assert any("more than one deadline" in f and "immediately" in f for f in item.flags)


def test_a_deadline_that_runs_from_an_unknown_publication_is_flagged():
    items = parse_text("Recommendations\n1. Within three months, forces should act.\n2. Forces should act immediately.\n").items
    assert [i.deadline for i in items] == [None, None]
    assert all(any("deadline" in f for f in i.flags) for i in items)


# --- the publication date stated in the text -----------------------------------------------------


def test_the_publication_date_stated_in_the_text_dates_relative_deadlines():
    text = """The inspectorate published its report Police response to stalking on 17th September 2021.

Recommendations
1. Within six months, chief constables should appoint a stalking lead.
"""
    result = parse_text(text)
    assert result.published == date(2021, 9, 17)
    assert result.items[0].deadline == date(2022, 3, 17)


def test_the_inspections_own_date_wins_and_a_different_stated_date_is_warned_about():
    text = "The report, which was published on the 4th of May 2021, recommends:\n\n" \
           "Recommendations\n1. Within three months, forces should act.\n"
    result = parse_text(text, date(2021, 5, 10))
    assert result.published == date(2021, 5, 4)
    assert result.items[0].deadline == date(2021, 8, 10)
    assert any("4 May 2021" in w.message for w in result.warnings)


def test_dates_that_are_not_publication_dates_are_never_taken():
    for text in ["Last updated 3 May 2022", "Page updated: 3 May 2022",
                 "https://www.justiceinspectorates.gov.uk/hmicfrs/2022/05/03/report/",
                 "[on]3rd May 2022 [status]awaiting-review[/status][/on]",
                 "The force has made progress since 3 May 2022 and published its action plan.",
                 "Crime recorded in the year ending 31 March 2023 rose.",
                 "We published our proposed framework for consultation on 13 April 2021.",
                 "Sent on:\n23 November 2023", "Published: February 2016"]:
        assert find_publication_date(text) is None, text
    assert find_publication_date("Published on: 12 December 2017").date == date(2017, 12, 12)


# --- the register's markup and noise --------------------------------------------------------------


def test_register_markup_and_the_force_s_progress_are_not_items_and_the_history_is_kept():
    text = """Core Business: an inspection into the use of police time (1504)

By 31 March 2015 all forces should record crime prevention activity.

[on]4th September 2014 [status]awaiting-review[/status][/on][on]30th September 2016 [comment]

The force should continue its work; it has said that by 31 December 2016 it will have a plan.

[/comment][/on][on]30th August 2017 [status]no-further-action-needed[/status][/on]
Merseyside Police: Crime Data Integrity inspection 2016 (7319)

Within six months, the force should review its auditing.

[on]9th February 2017 [comment]
unbalanced comment with no end
"""
    result = parse_text(text)
    assert shape(result) == [(None, R, "By 31 March 2015"), (None, R, "Within six months, the")]
    assert result.items[0].deadline == date(2015, 3, 31)
    assert result.history == [(date(2014, 9, 4), "awaiting-review"), (date(2017, 8, 30), "no-further-action-needed")]
    assert result.published is None


def test_a_register_entry_s_recommendation_goes_on_with_the_list_it_introduces():
    text = """Crime data integrity force reports (5255)

The force should improve its crime recording.

This should include:
• training for call handlers;
• audits of crime records.

[on]18th November 2014 [status]awaiting-review[/status][/on]
"""
    (item,) = parse_text(text).items
    assert item.text == "The force should improve its crime recording.\n\nThis should include:"
    assert item.bullets == ["training for call handlers;", "audits of crime records."]


# --- tables and trackers ------------------------------------------------------------------------------


def test_a_tracker_table_with_a_cause_repeated_in_several_rows():
    text = """| # | Recommendation | Directed at | Status |
|---|---|---|---|
| T1 | Cause of concern: The force cannot investigate crime well. Recommendation: The force should immediately: review its workload; | West Mercia Police | Completed |
| T10 | Cause of concern: The force does not protect vulnerable people. Recommendation: Within six months the force should: train its staff; | West Mercia Police | Completed |
| T11 | Cause of concern: The force does not protect vulnerable people. Recommendation: Within six months the force should: audit its referrals; | West Mercia Police | In progress |
"""
    result = parse_text(text)
    assert [(i.ref, i.kind, i.parent_ref is None) for i in result.items] == [
        (None, COC, True), ("T1", R, True), (None, COC, True), ("T10", R, True), ("T11", R, True)]
    assert result.items[4].text.endswith("audit its referrals;")
    assert not any("West Mercia" in i.text or "Completed" in i.text for i in result.items)


def test_a_tracker_s_numbers_badges_and_force_names_on_lines_of_their_own():
    text = "Recommendations\n" + "".join(
        f"{n}\nCompleted\nThe force should do thing {n}.\nWest Mercia Police\n" for n in range(1, 4))
    result = parse_text(text)
    assert [(i.ref, i.text) for i in result.items] == [(str(n), f"The force should do thing {n}.") for n in range(1, 4)]


# --- what PDFs and copying do to text --------------------------------------------------------------


def test_pdf_and_encoding_damage_is_mended():
    text = ("Recommendations\n1. The force`s leaders should review supervision.12\n"
            "2. The force¿s staff should be trained .\n \n"
            "3. Forces should act.The College of Policing should help.\n")
    items = parse_text(text).items
    assert [i.text for i in items] == ["The force\u2019s leaders should review supervision.",
                                       "The force\u2019s staff should be trained.",
                                       "Forces should act. The College of Policing should help."]


# --- texts with no items --------------------------------------------------------------------------


def test_texts_that_hold_no_items_give_nothing_but_a_warning():
    for text in [
        "404 Page not found\n\nSorry, the page you were looking for could not be found.",
        "1. Police and Crime Commissioner's Comments\n\nI welcome the report. The force has work to do.\n\n"
        "2. Chief Constable's Comments\n\nWe accept the findings and have a plan.",
        "The report made 29 recommendations, including:\n\u2022 Steps chief constables should take to improve "
        "investigations.\n\u2022 Make stalking protection orders simpler.",
        "The inspectorate found the force should do more. The PCC has decided the force should publish a plan.",
        "Minutes\n\u00b7 AFI 2 was discussed.\no   Members noted that the force should report progress in March.",
    ]:
        result = parse_text(text)
        assert result.items == [], text
        assert result.warnings[0].message.startswith("No recommendations")


# --- who recommendations are addressed to -----------------------------------------------------


def test_bodies_other_than_forces_are_read_as_such():
    text = """Recommendations
1. By 31 March 2023, the College of Policing should update its guidance.
2. The Home Office should fund the work.
3. Within six months, the National Police Chiefs\u2019 Council should agree a standard.
4. The Crown Prosecution Service should review its charging advice.
5. The NPCC and the CPS should publish a joint protocol.
"""
    assert [i.addressed_to for i in parse_text(text, date(2022, 1, 1)).items] == [
        "The College of Policing", "The Home Office", "The National Police Chiefs\u2019 Council",
        "The Crown Prosecution Service", "The NPCC and the CPS"]


# --- properties ------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Recommendations", "Areas for improvement", "Cause of concern", "Cause of concern:", "Recommendation 1",
    "AFI 2", "1.", "2.1", "T10", "| T1 | Cause of concern: x Recommendation: y | a | Completed |", "|---|---|",
    "[on]4th May 2021 [status]complete[/status][/on]", "[comment]", "[/comment][/on]", "Completed", "404 Page not found",
    "\u2022", "\u25e6", "o", "-", "(a)", "ii.", "The force should", "Forces should, without delay,", "within six months",
    "By 31 March 2023,", "published its report", "on 4th May 2021", "the report, which was published on", ":", ";",
    "and", "\n", "\n\n", "\f", " ", ".", "\u201c", "`", "\u00bf", "(1234)", "12", "Published on: 1 May 2020",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map(" ".join))
def test_no_input_makes_the_parser_raise(text):
    result = parse_text(text, date(2021, 9, 17) if len(text) % 2 else None)
    for item in result.items:
        assert isinstance(item.text, str) and item.kind in Kind


def _cpu_seconds(text: str) -> float:
    """The least CPU time of three parses of a text (CPU time: other work on the machine does not count)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        parse_text(text)
        best = min(best, time.process_time() - start)
    return best


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=5, max_size=40).map(" ".join))
def test_the_time_to_read_grows_no_more_than_linearly(sample):
    small = (sample + "\n") * (15_000 // (len(sample) + 1) + 1)
    large = small * 4
    # Four times the text may take a little more than four times as long; a quadratic parser takes sixteen.
    assert _cpu_seconds(large) <= 10 * _cpu_seconds(small) + 0.05

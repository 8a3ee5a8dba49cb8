"""The report-text importer: seed 001, the shapes real reports are written in, what pasting from a
PDF does to text, each parsing rule on its own, and the round trip through our own text format."""

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.importer import (
    ImportFileError,
    ParsedItem,
    clean_text,
    find_addressee,
    looks_like_heading,
    parse_text,
    render_text,
)
from tracker.domain.statuses import Kind
from tracker.services.seed import InspectionIn, read_file

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"  # the shared seed documents, kept with the tests
SEED_001 = SEEDS / "001_7f4d7a04c10742d7.txt"
PUBLISHED = date(2021, 9, 17)

R, AFI, COC = Kind.RECOMMENDATION, Kind.AREA_FOR_IMPROVEMENT, Kind.CAUSE_OF_CONCERN


def refs(result):
    """(ref, parent_ref) of every item read."""
    return [(item.ref, item.parent_ref) for item in result.items]


def item(result, ref):
    """The item read with this reference."""
    return next(i for i in result.items if i.ref == ref)


# --- seed 001: the recommendations section parses to exactly the seed data --------------------

SEED_001_SECTION = """\tRecommendations:\x20

\t3. Structures and funding should be put in place to make sure victims receive tailored and consistent support.
3.2: By March 2022, all Police Forces should ensure information on the protected characteristics of victims is accurately and consistently recorded.
4. All Chief Constables should immediately review and ensure that there are consistently in their forces\u2019 responses to violence against women and girls and should be supported in doing so by national standards and data.
4.1: By March 2022, Chief Constables should establish and publish an action plan that specifies in detail what steps the force will take to improve and standardise its approach to responding to violence against women and girls offences, with the aim of ensuring policies, processes and practices are effective, actively monitored and managed, and meeting national standards.

This should include:
\u00b7 The use of Police powers to protect women, including arrest of perpetrators, use of pre-charge bail, the applications for orders (where appropriate) and processes for responding to breaches of non-molestation and other orders.
\u00b7 The use of the Domestic Violence Disclosure scheme.
\u00b7 The capability of generalist and specialist staff to respond to violence against women and girls offences effectively including consistent understanding of newer offences (such as coercive control).
\u00b7 The identification and management of high-harm violent offenders against women and girls (in partnership with other organisations)
\u00b7 The identification and protection of the most at-risk of violence against women and girls offences (in partnership with other organisations) and
\u00b7 Internal and public communications related to violence against women and girls to ensure that messages raise awareness of the risk and emphasis the seriousness of the issues.
"""


def _seed_recommendations():
    """The vawg-2021 recommendations of seed_data, flattened with their parents' references."""
    inspection = read_file(ROOT / "seed_data/inspections/vawg-2021.yaml", InspectionIn)
    out = []

    def walk(recs, parent):
        """Flatten recommendations, parents first."""
        for rec in recs:
            out.append((rec, parent))
            walk(rec.children, rec.ref)

    walk(inspection.recommendations, None)
    return out


def _assert_matches_seed_data(result):
    """The items read are exactly seed_data's vawg-2021 recommendations."""
    expected = _seed_recommendations()
    assert len(result.items) == len(expected)
    for got, (want, parent_ref) in zip(result.items, expected):
        assert got.ref == want.ref
        assert got.kind is want.kind
        assert got.parent_ref == parent_ref
        assert got.addressed_to == want.addressed_to
        assert got.text == want.text.strip()
        assert got.bullets == want.bullets
        assert got.deadline_text == want.deadline_text


def test_the_recommendations_section_of_seed_001_parses_to_exactly_the_seed_data():
    result = parse_text(SEED_001_SECTION, PUBLISHED)
    _assert_matches_seed_data(result)
    assert result.warnings == []
    assert item(result, "3.2").deadline == date(2022, 3, 31)
    assert item(result, "4.1").deadline == date(2022, 3, 31)
    assert item(result, "4").deadline_text == "immediately"
    assert len(item(result, "4.1").bullets) == 6
    assert item(result, "4.1").text.endswith("\n\nThis should include:")


def test_the_whole_of_seed_001_gives_the_same_items_and_reports_the_rest():
    result = parse_text(SEED_001.read_text(encoding="utf-8"), PUBLISHED)
    _assert_matches_seed_data(result)
    # The key findings before and the response after are not recommendations: reported, not dropped.
    assert [w.line for w in result.warnings] == [1, 36]
    assert "Cumbria Office" in result.warnings[0].snippet
    assert "PCC & Chief Constable Response" in result.warnings[1].snippet


# --- the shapes of real reports ------------------------------------------------------------

PEEL_AFIS = """Areas for improvement

Area for improvement 1
The force should improve how it records equality data when it deals with victims of crime.

Area for improvement 2: The force should make sure its officers understand and comply with the
Victims\u2019 Code.

AFI 3 \u2013 The force should review its use of stop and search.
"""


def test_peel_areas_for_improvement_with_labels():
    result = parse_text(PEEL_AFIS)
    assert refs(result) == [("1", None), ("2", None), ("3", None)]
    assert all(i.kind is AFI for i in result.items)
    assert item(result, "2").text == (
        "The force should make sure its officers understand and comply with the Victims\u2019 Code.")
    assert item(result, "1").addressed_to == "The force"
    assert result.warnings == []


def test_peel_areas_for_improvement_without_numbers_are_read_and_flagged():
    text = """Area for improvement
The force needs to improve how it supervises investigations.

Area for improvement
The force should make sure it has enough trained detectives.
"""
    result = parse_text(text)
    assert [(i.ref, i.kind) for i in result.items] == [(None, AFI), (None, AFI)]
    assert result.items[1].text == "The force should make sure it has enough trained detectives."
    assert all(any("no reference" in f for f in i.flags) for i in result.items)


def test_unnumbered_points_or_paragraphs_under_areas_for_improvement_are_each_an_item():
    points = """Areas for improvement
\u2022 The force should improve how it records crime.
\u2022 The force should make sure supervisors review
investigations.
"""
    paragraphs = """Areas for improvement

The force should improve how it records crime.

The force should make sure supervisors review
investigations.
"""
    for text in (points, paragraphs):
        result = parse_text(text)
        assert [(i.ref, i.kind, i.text) for i in result.items] == [
            (None, AFI, "The force should improve how it records crime."),
            (None, AFI, "The force should make sure supervisors review investigations."),
        ]


def test_an_unnumbered_cause_of_concern_keeps_its_recommendations_and_flags_them():
    text = """Causes of concern

The force isn\u2019t answering calls quickly enough.

Recommendations
Within three months, the force should:
\u2022 recruit call handlers; and
\u2022 publish its performance.
"""
    result = parse_text(text)
    assert [(i.ref, i.kind) for i in result.items] == [(None, COC), (None, R), (None, R)]
    assert all(any("no reference" in f for f in i.flags) for i in result.items)
    assert any("sits under an item with no reference" in f for f in result.items[1].flags)


@pytest.mark.parametrize("name", ["000_a1066437c58b95b3.txt", "002_748b5f2519757995.txt",
                                  "003_e602a3cba29c9865.txt", "004_90eeddbdbe7b93d6.txt"])
def test_documents_without_recommendations_read_none_and_report_their_text(name):
    result = parse_text((SEEDS / name).read_text(encoding="utf-8"))
    assert result.items == []
    assert result.warnings[0].message.startswith("No recommendations")
    assert any(w.line == 1 for w in result.warnings)


PEEL_CAUSES = """Causes of concern

Cause of concern 1
The force isn\u2019t answering emergency and non-emergency calls quickly enough.

Recommendations
By 31 March 2023, the force should:
\u2022 make sure it has enough call handlers to answer calls within national standards;
\u2022 improve how it assesses the risk of each call, using THRIVE; and
\u2022 monitor how long callers wait.

Cause of concern 2
The force doesn\u2019t do enough to protect vulnerable people.

Recommendation 4
Within three months, the force should review how it manages registered sex offenders.

Areas for improvement

Area for improvement 1
The force should improve how it records crime.
"""


def test_a_cause_of_concern_carries_its_recommendations():
    result = parse_text(PEEL_CAUSES, date(2022, 10, 1))
    assert [(i.ref, i.kind, i.parent_ref) for i in result.items] == [
        ("1", COC, None),
        (None, R, "1"),
        (None, R, "1"),
        (None, R, "1"),
        ("2", COC, None),
        ("4", R, "2"),
        ("Area for improvement 1", AFI, None),  # "1" is cause of concern 1's
    ]
    first = result.items[1]
    assert first.text == ("By 31 March 2023, the force should make sure it has enough call handlers to answer "
                          "calls within national standards;")
    assert first.addressed_to == "The force"
    assert first.deadline == date(2023, 3, 31)
    assert result.items[5].deadline == date(2023, 1, 1)
    assert result.items[0].addressed_to is None  # a cause of concern is a finding, not addressed to anyone


def test_a_cause_of_concern_with_a_numbered_list_of_recommendations():
    text = """Cause of concern 1
The force isn\u2019t managing the risk posed by registered sex offenders.
Recommendations
Within three months, the force should:
1. review its policy;
2. train its staff.

Cause of concern 2
The force doesn\u2019t understand demand.
"""
    result = parse_text(text, date(2022, 10, 1))
    assert refs(result) == [("1", None), (None, "1"), (None, "1"), ("2", None)]
    assert result.items[1].text == "Within three months, the force should review its policy;"
    assert result.items[2].deadline == date(2023, 1, 1)


NATIONAL = """Recommendations

Recommendation 1
By 30 September 2022, the Home Office should review the funding of services for victims of stalking.

Recommendation 2
The College of Policing, working with the NPCC, should develop national guidance on the investigation of
stalking by 31 December 2022.

Recommendation 3
Immediately, chief constables should make sure that stalking protection orders are considered in every case.

Recommendation 4
Within six months of the publication of this report, police and crime commissioners should commission
specialist advocacy services.

Recommendation 5
Forces should publish their plans by spring 2023.

Recommendation 6
The Crown Prosecution Service and the National Police Chiefs\u2019 Council should agree a joint protocol.
"""


def test_national_recommendations_addressed_to_different_bodies():
    result = parse_text(NATIONAL, PUBLISHED)
    got = {i.ref: (i.addressed_to, i.deadline_text, i.deadline) for i in result.items}
    assert got == {
        "1": ("The Home Office", "By 30 September 2022", date(2022, 9, 30)),
        "2": ("The College of Policing, working with the NPCC", "by 31 December 2022",
                             date(2022, 12, 31)),
        "3": ("Chief constables", "Immediately", PUBLISHED),
        "4": ("Police and crime commissioners", "Within six months of the publication of this report",
                             date(2022, 3, 17)),
        "5": ("Forces", "by spring 2023", None),
        "6": ("The Crown Prosecution Service and the National Police Chiefs\u2019 Council", None, None),
    }
    assert any("could not be read" in f for f in item(result, "5").flags)


PDF_PASTE = """Police response to stalking: final report\u00a0\u00a0 12

Recommendations
1. By March 2022, chief constables should review their forces\u2019 approach to stalk-
ing cases and make sure that officers under-
stand the use of stalking protection orders, including pre-
charge bail and non-
molestation orders.
13
Police response to stalking: final report\u00a0\u00a0 13
2.\tThe National Police Chiefs\u2019 Council should, by the end of
2022, publish a national framework for the
\ufb01rst response to stalking.
Page 14 of 40
Police response to stalking: final report\u00a0\u00a0 14
3. Forces should:
\u2022\tmake sure every victim has a named contact;
\u2022\trecord stalking as stalking, not as
harassment; and
o\tshare information with partners.
\x0c
Police response to stalking: final report\u00a0\u00a0 15
"""


def test_text_pasted_from_a_pdf_loses_its_page_furniture_and_keeps_its_words():
    result = parse_text(PDF_PASTE, PUBLISHED)
    assert refs(result) == [("1", None), ("2", None), ("3", None)]
    one = item(result, "1")
    assert one.text == ("By March 2022, chief constables should review their forces\u2019 approach to stalking cases "
                        "and make sure that officers understand the use of stalking protection orders, including "
                        "pre-charge bail and non-molestation orders.")
    two = item(result, "2")
    assert two.text == ("The National Police Chiefs\u2019 Council should, by the end of 2022, publish a national "
                        "framework for the first response to stalking.")
    assert two.addressed_to == "The National Police Chiefs\u2019 Council"
    assert two.deadline == date(2022, 12, 31)
    three = item(result, "3")
    assert three.bullets == ["make sure every victim has a named contact;",
                             "record stalking as stalking, not as harassment; and", "share information with partners."]
    removed = [text for _, text in result.removed]
    assert "13" in removed and "Page 14 of 40" in removed
    assert sum("final report" in text for text in removed) == 4
    assert [w.message for w in result.warnings] == [
        "A line repeated on several pages was removed as a running header or footer"]


def test_numbered_and_lettered_points_of_a_list_are_bullets():
    text = """4.1 By March 2022, chief constables should publish a plan. This should include:
1. the use of police powers;
2. the use of the disclosure scheme.
5. The Home Office should:
a) review funding;
b) publish guidance; and
(c) consult the police.
"""
    result = parse_text(text)
    assert refs(result) == [("4.1", None), ("5", None)]
    assert item(result, "4.1").bullets == ["the use of police powers;", "the use of the disclosure scheme."]
    assert item(result, "5").bullets == ["review funding;", "publish guidance; and", "consult the police."]
    assert any("4.1 has no item 4" in w.message for w in result.warnings)


def test_numbered_sub_items_sit_under_a_labelled_recommendation():
    text = """Recommendation 2: There should be a national framework.
2.1 By March 2022, the NPCC should publish it.
2.2 The College of Policing needs to write guidance.
"""
    result = parse_text(text)
    assert refs(result) == [("2", None), ("2.1", "2"), ("2.2", "2")]
    assert result.items[2].addressed_to == "The College of Policing"
    assert result.warnings == []


def test_lettered_sub_items_of_a_recommendation_get_their_own_references():
    text = """2. The Home Office should review the funding of victim services.
(a) The review should include services for children.
(b) The review should be published.
3. Forces should review their training.
i. Training should cover coercive control.
ii. Training should be evaluated.
"""
    result = parse_text(text)
    assert refs(result) == [("2", None), ("2(a)", "2"), ("2(b)", "2"), ("3", None), ("3(i)", "3"), ("3(ii)", "3")]


def test_a_point_without_a_full_stop_does_not_swallow_the_next_numbered_item():
    result = parse_text("1. Forces should:\n\u2022 do this\n\u2022 and that\n2. The Home Office should act.\n"
                        "1. Forces should report.\n")
    assert refs(result) == [("1", None), ("2", None), ("1", None)]
    assert result.items[0].bullets == ["do this", "and that"]


def test_bullets_in_every_style():
    marks = ["\u00b7", "\u2022", "-", "o", "*", "\u25aa", "\u2013", "\uf0b7"]
    text = "1. Forces should:\n" + "\n".join(f"{mark} point {n};" for n, mark in enumerate(marks))
    result = parse_text(text)
    assert result.items[0].bullets == [f"point {n};" for n in range(len(marks))]


# --- small direct tests of each rule ---------------------------------------------------------


def test_clean_text_folds_tabs_odd_spaces_ligatures_and_invisible_characters_but_keeps_quotes():
    assert clean_text("a\tb\u00a0c\u202fd \ufb01ne\u00adly\r\n\u2018x\u2019 \u201cy\u201d\u200b") == (
        "a b c d finely\n\u2018x\u2019 \u201cy\u201d")


def test_a_hyphen_at_a_line_end_is_kept_when_the_text_writes_the_word_with_one_elsewhere():
    result = parse_text("1. Forces should re-\nassess risk. A re-assess is due.")
    assert result.items[0].text == "Forces should re-assess risk. A re-assess is due."
    result = parse_text("1. Forces should stan-\ndardise practice.")
    assert result.items[0].text == "Forces should standardise practice."


@pytest.mark.parametrize("line", ["12", "Page 3", "page 3 of 40", "- 7 -", "3/40"])
def test_page_numbers_are_left_out(line):
    result = parse_text(f"1. Forces should act.\n{line}\n2. Forces should report.")
    assert refs(result) == [("1", None), ("2", None)]
    assert result.removed == [(2, line)]


def test_a_line_starting_with_a_number_mid_sentence_is_not_a_new_item():
    result = parse_text("1. Forces should respond to calls within\n15 Minutes of them being made.")
    assert refs(result) == [("1", None)]
    assert result.items[0].text.endswith("within 15 Minutes of them being made.")


def test_a_year_is_not_a_reference():
    result = parse_text("1. Forces should act by March\n2022 And report.")
    assert refs(result) == [("1", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("All Chief Constables should review", "All chief constables"),
    ("By March 2022, chief constables should review", "Chief constables"),
    ("The Home Office should review", "The Home Office"),
    ("Forces should review", "Forces"),
    ("The College of Policing, working with the NPCC, should review", "The College of Policing, working with the NPCC"),
    ("We recommend that PCCs should review", "PCCs"),
    ("Within six months, police and crime commissioners should review", "Police and crime commissioners"),
    ("The Chief Constable of Cumbria Constabulary should review", "The chief constable of Cumbria Constabulary"),
    ("By 31 October 2022, the Home Office, the College of Policing and the NPCC should agree",
     "The Home Office, the College of Policing and the NPCC"),
    ("Local Policing Bodies should review", "Local policing bodies"),
    ("Police and Crime Commissioners (PCCs) should review", "Police and crime commissioners (PCCs)"),
    ("HMICFRS recommends that, by March 2023, chief constables should review", "Chief constables"),
    ("Structures and funding should be put in place", None),
    ("There is no verb of obligation here.", None),
])
def test_who_a_recommendation_is_addressed_to(text, expected):
    assert find_addressee(text, None) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("PCC & Chief Constable Response to Report and Recommendation:", True),
    ("Key Findings", True),
    ("This should include:", False),
    ("The force should act.", False),
    ("Summary", False),
])
def test_what_looks_like_a_heading(line, expected):
    assert looks_like_heading(line) is expected


def test_a_heading_after_the_last_item_ends_it_and_what_follows_is_reported():
    text = "1. Forces should act.\n\nNext Steps For The Force\nWe will return in a year.\n"
    result = parse_text(text)
    assert result.items[0].text == "Forces should act."
    assert result.warnings[0].line == 3 and "Next Steps" in result.warnings[0].snippet


def test_text_after_a_list_is_kept_and_flagged():
    text = "1. Forces should:\n\u2022 act;\n\u2022 report.\n\nthey should do so openly.\n"
    result = parse_text(text)
    assert result.items[0].text == "Forces should:\n\nthey should do so openly."
    assert result.items[0].flags
    assert result.warnings[0].line == 5


def test_a_repeated_reference_is_kept_and_warned_about():
    result = parse_text("1. Forces should act.\n1. Forces should report.\n")
    assert refs(result) == [("1", None), ("1", None)]
    assert result.warnings[0].line == 2 and "appears twice" in result.warnings[0].message
    assert result.items[1].flags


def test_a_bullet_before_any_recommendation_is_reported():
    result = parse_text("\u2022 a stray point\n1. Forces should act.\n")
    assert refs(result) == [("1", None)]
    assert result.warnings[0].line == 1 and result.warnings[0].snippet == "\u2022 a stray point"


def test_a_relative_deadline_without_the_publication_date_is_flagged_not_guessed():
    result = parse_text("1. Within six months, forces should act.")
    assert result.items[0].deadline is None
    assert any("publication date" in f for f in result.items[0].flags)


def test_empty_text_reads_nothing_and_says_so():
    for text in ("", "   \n\t\n", "\x00\x01"):
        result = parse_text(text)
        assert result.items == []
        assert result.warnings[0].message.startswith("No recommendations")


def test_text_beyond_the_limit_is_refused_clearly():
    with pytest.raises(ImportFileError, match="too long"):
        parse_text("1. Forces should act.\n" * 250_000)  # about 5.5 MB


def test_json_shape():
    result = parse_text(SEED_001_SECTION, PUBLISHED)
    data = result.as_json()
    assert set(data) == {"items", "warnings", "published", "dates"}
    assert data["items"][1] == {
        "ref": "3.2", "kind": "recommendation", "parent_ref": "3", "addressed_to": "All police forces",
        "text": "By March 2022, all Police Forces should ensure information on the protected characteristics of "
                "victims is accurately and consistently recorded.",
        "bullets": [], "deadline_text": "By March 2022", "deadline": "2022-03-31",
    }


# --- the round trip through our own text format ----------------------------------------------

_WORDS = ["review", "the", "way", "it", "records", "crime", "data", "and", "publish", "a", "plan", "for", "victims",
          "support", "officers", "training", "domestic", "abuse", "stalking", "make", "sure", "that", "is",
          "consistent", "pre-charge", "bail", "non-molestation", "orders", "partners", "of", "with", "forces\u2019",
          "\u201cquality\u201d", "its", "approach", "to", "offenders", "high-harm"]
_ADDRESSEES = [("chief constables", "Chief constables"), ("the Home Office", "The Home Office"),
               ("all police forces", "All police forces"), ("forces", "Forces"), ("the force", "The force"),
               ("the College of Policing, working with the NPCC,", "The College of Policing, working with the NPCC"),
               ("police and crime commissioners", "Police and crime commissioners")]
_DEADLINES = [(None, None), ("By March 2022", date(2022, 3, 31)), ("By 31 December 2022", date(2022, 12, 31)),
              ("Within six months", date(2022, 3, 17)), ("By the end of 2023", date(2023, 12, 31))]

_phrase = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25).map(" ".join)


@st.composite
def _text(draw, allow_intro=True):
    """A recommendation's text: who should act, by when, what; perhaps a second paragraph."""
    addressee, expected = draw(st.sampled_from(_ADDRESSEES))
    deadline_text, deadline = draw(st.sampled_from(_DEADLINES))
    subject = f"{deadline_text}, {addressee}" if deadline_text else addressee[0].upper() + addressee[1:]
    text = f"{subject} should {draw(_phrase)}."
    if allow_intro and draw(st.booleans()):
        second = draw(st.sampled_from(["This should include:", "The plan should cover:"]))
        text += "\n\n" + second
    return text, expected, deadline_text, deadline


_bullets = st.lists(_phrase.map(lambda p: p[0].upper() + p[1:] + draw_end(p)), max_size=4)


def draw_end(phrase: str) -> str:
    """End a bullet point as reports do: a semicolon, a full stop, or nothing."""
    return ";" if len(phrase) % 3 == 0 else ("." if len(phrase) % 3 == 1 else "")


def _make(draw, ref, kind, parent_ref, allow_intro=True, bullets=True):
    """One expected item, drawn."""
    text, addressed_to, deadline_text, deadline = draw(_text(allow_intro))
    return ParsedItem(ref=ref, kind=kind, text=text, parent_ref=parent_ref,
                      addressed_to=addressed_to if kind is not COC else None,
                      bullets=draw(_bullets) if bullets else [],
                      deadline_text=deadline_text, deadline=deadline)


@st.composite
def _report(draw):
    """A list of items in document order: recommendations, areas for improvement, causes of concern."""
    items = []
    label_number = iter(range(10, 1000))  # "Recommendation 10" is read as reference 10
    for n in range(1, draw(st.integers(0, 4)) + 1):
        style = draw(st.sampled_from(["numbered", "labelled", "none"]))
        if style == "none":
            items.append(_make(draw, None, R, None))
            continue
        ref = str(n) if style == "numbered" else str(next(label_number))
        children = draw(st.sampled_from(["dotted", "lettered", "none"]))
        parent = _make(draw, ref, R, None, allow_intro=children != "lettered", bullets=children != "lettered")
        items.append(parent)
        for c in range(1, draw(st.integers(0, 3)) + 1):
            if children == "dotted":
                items.append(_make(draw, f"{ref}.{c}", R, ref))
            elif children == "lettered" and style == "numbered":
                items.append(_make(draw, f"{ref}({'abc'[c - 1]})", R, ref, allow_intro=False, bullets=False))
    for n in range(1, draw(st.integers(0, 3)) + 1):
        ref = draw(st.sampled_from([str(100 + n), None]))
        items.append(_make(draw, ref, AFI, None))
    for n in range(1, draw(st.integers(0, 3)) + 1):
        cause = str(150 + n)
        items.append(_make(draw, cause, COC, None, allow_intro=False, bullets=False))
        for _ in range(draw(st.integers(0, 3))):
            ref = draw(st.sampled_from([str(next(label_number)), None]))
            items.append(_make(draw, ref, R, cause, allow_intro=False))
    return items


def _comparable(items):
    """The fields of items that a round trip must keep."""
    return [(i.ref, i.kind, i.parent_ref, i.addressed_to, i.text, i.bullets, i.deadline_text, i.deadline)
            for i in items]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_report(), st.integers(40, 120))
def test_any_list_rendered_in_our_format_parses_back_to_the_same_list(items, width):
    text = render_text(items, width=width)
    result = parse_text(text, PUBLISHED)
    assert _comparable(result.items) == _comparable(items), text
    assert [w for w in result.warnings if not w.message.startswith("No recommendations")] == []


def test_the_seed_data_rendered_in_our_format_parses_back():
    result = parse_text(SEED_001_SECTION, PUBLISHED)
    again = parse_text(render_text(result.items), PUBLISHED)
    assert _comparable(again.items) == _comparable(result.items)


# --- nothing is dropped silently ------------------------------------------------------------

_LINES = st.sampled_from([
    "Recommendations", "Areas for improvement", "Causes of concern", "Recommendation", "Cause of concern 1",
    "Recommendation 7", "Area for improvement 2: The force should act.", "3. Chief constables should review data.",
    "3.1 By March 2022, forces should publish.", "(a) The review should include victims.", "b) training;",
    "\u2022 a point about stalking", "- another point", "o third point", "This should include:",
    "By 31 March 2023, the force should:", "we found that crime recording was poor", "12", "Page 4 of 9",
    "Key Findings Of The Report", "Police and crime commissioners should commission services.", "",
    "\u201cQuoted words\u201d from the chief constable.", "2022 was a difficult year",
])
_MARKERS = {"a", "b", "o"}


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=30))
def test_every_word_given_is_read_into_an_item_or_reported(lines):
    text = "\n".join(lines)
    result = parse_text(text, PUBLISHED)
    kept = " ".join([f"{i.kind.label} {i.ref or ''}" for i in result.items] + [i.text for i in result.items]
                    + [b for i in result.items for b in i.bullets] + [t for _, t in result.removed])
    source = text.split("\n")
    for warning in result.warnings:
        m = re.search(r"\(lines? (\d+)(?: to (\d+))?\)", warning.message)
        if m:
            kept += " " + " ".join(source[int(m.group(1)) - 1: int(m.group(2) or m.group(1))])
        elif warning.line:
            kept += " " + source[warning.line - 1]
    kept_words = set(re.findall(r"\w+", kept.lower()))
    for number, line in enumerate(source, start=1):
        if re.fullmatch(r"(?i)(recommendations?|areas? for improvement|causes? of concern)", line):
            continue
        for word in re.findall(r"\w+", line.lower()):
            assert word in kept_words or word in _MARKERS, (number, line, result)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_at_all_parses_without_error(text):
    result = parse_text(text)
    assert isinstance(result.items, list)

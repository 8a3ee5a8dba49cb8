"""The committee pack's content as plain data: its JSON round trip, the names of items, the limits of a table."""

from __future__ import annotations

from datetime import date

from tracker.domain import committee_pack
from tracker.domain.committee_pack import Item, PackContent, Section, Table, item_label, shown, status_on
from tracker.domain.register import Row


def row(**fields) -> Row:
    values = dict(type="recommendation", id=1, tracking_id=1, force="cumbria", force_name="Cumbria Constabulary",
                  inspection="vawg", inspection_title="VAWG", inspection_type="national_thematic", ref="3.2",
                  kind="recommendation", title="Do it", owner=None, status="being_progressed", due=date(2022, 3, 31),
                  closed_on=None, rag_forecast=None, last_update=None, as_of=date(2022, 4, 1))
    return Row(**(values | fields))


def test_the_content_comes_back_from_its_json_as_it_was():
    content = PackContent(
        title="Committee pack", organisation="OPCC", force="Cumbria", meeting_on="2022-04-01",
        previous_meeting_on="2022-01-01", made="now", counts={"action": {"overdue": 1, "due_soon": 0, "in_window": 1}},
        sections=[Section("overdue", "Overdue", ["Words <b>"], [Table("T", ["A", "B"], [["1", "2"]], [1], True, [60, 40])],
                          [Item("recommendation-1", "Recommendation 1", "Text\n• point", [["Owner", "Jo"]])], ["Note"])])
    again = PackContent.from_json(content.to_json())
    assert again == content and again.to_json() == content.to_json()
    assert again.section("overdue").tables[0].widths == [60, 40] and again.section("missing") is None


def test_items_are_named_by_their_kind_and_reference():
    assert item_label(row()) == "Recommendation 3.2"
    assert item_label(row(kind="area_for_improvement", ref="6")) == "Area for improvement 6"
    assert item_label(row(type="action", kind="cause_of_concern", ref="2")) == "Action under cause of concern 2"
    assert item_label(row(type="statutory_response", kind=None, ref=None)) == "Statutory response"


def test_an_item_closed_after_the_meeting_is_counted_as_it_stood():
    assert status_on(row()) == "Being progressed"
    assert status_on(row(status="complete", closed_on=date(2022, 5, 1))) == "Closed after the meeting date"


def test_a_long_list_is_cut_and_says_how_many_were_left_out(monkeypatch):
    monkeypatch.setattr(committee_pack, "ROWS_PER_TABLE", 2)
    assert shown([1, 2], "items") == ([1, 2], [])
    listed, notes = shown([1, 2, 3], "overdue items")
    assert listed == [1, 2] and notes[0].startswith("The table lists the first 2 of 3 overdue items")

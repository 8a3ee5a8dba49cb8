"""`flask --app tracker overdue`: what is overdue on a date, for scripts and people."""

import csv
import io
import json
from datetime import date

from tests.factories import get_tracking, make_user
from tracker.db import db
from tracker.domain.statuses import Role, TrackingStatus
from tracker.services import extensions as extension_service
from tracker.services.tracking import set_tracking_status


def overdue_json(runner, *args):
    result = runner.invoke(args=["overdue", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_on_1_april_2022_the_march_2022_recommendations_of_every_force_are_overdue(runner):
    items = overdue_json(runner, "--as-of", "2022-04-01")
    march = [i for i in items if i["type"] == "recommendation" and i["ref"] in ("3.2", "4.1")]
    assert len(march) == 86
    assert {i["force"] for i in march} == {i["force"] for i in items}
    assert all(i["due"] == "2022-03-31" and i["days_overdue"] == 1 for i in march)


def test_on_1_march_2022_they_are_not(runner):
    items = overdue_json(runner, "--as-of", "2022-03-01")
    assert not [i for i in items if i["ref"] in ("3.2", "4.1")]
    # The immediate recommendation and the statutory responses were overdue already.
    assert {i["type"] for i in items} == {"recommendation", "statutory_response"}


def test_a_force_with_a_completed_action_plan_drops_out(app, runner):
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 3, 20))
    db.session.commit()
    items = overdue_json(runner, "--as-of", "2022-04-01", "--force", "cumbria")
    assert "4.1" not in {i["ref"] for i in items}
    assert "3.2" in {i["ref"] for i in items}


def test_completing_later_does_not_rewrite_the_past(app, runner):
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 6, 1))
    db.session.commit()
    assert "4.1" in {i["ref"] for i in overdue_json(runner, "--as-of", "2022-04-01", "--force", "cumbria")}
    assert "4.1" not in {i["ref"] for i in overdue_json(runner, "--as-of", "2022-06-02", "--force", "cumbria")}


def test_json_items_carry_the_fields_scripts_rely_on(runner):
    items = overdue_json(runner, "--as-of", "2022-04-01", "--force", "cumbria")
    assert items
    for item in items:
        assert set(item) >= {"type", "force", "inspection", "ref", "title", "owner", "status", "due", "days_overdue"}
        assert item["force"] == "cumbria" and item["inspection"] == "vawg-2021"
    response = next(i for i in items if i["type"] == "statutory_response")
    assert response["due"] == "2021-11-11" and response["days_overdue"] == 141


def test_most_days_overdue_first(runner):
    items = overdue_json(runner, "--as-of", "2022-04-01")
    assert [i["days_overdue"] for i in items] == sorted((i["days_overdue"] for i in items), reverse=True)


def test_overdue_actions_are_listed(runner):
    # Cumbria's conference presentation was due on 8 December 2021 and done that day.
    assert not [i for i in overdue_json(runner, "--as-of", "2021-12-09") if i["type"] == "action"]
    # Lancashire's plan commitments fall due at the end of the plan.
    actions = [i for i in overdue_json(runner, "--as-of", "2029-04-01", "--force", "lancashire") if i["type"] == "action"]
    assert len(actions) == 5


def test_csv_and_table(runner):
    result = runner.invoke(args=["overdue", "--as-of", "2022-04-01", "--force", "cumbria", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 4 and rows[0]["type"] == "recommendation"
    table = runner.invoke(args=["overdue", "--as-of", "2022-04-01", "--force", "cumbria"]).output
    assert "4 items overdue on 2022-04-01." in table


def test_bad_input_gets_a_clear_error(runner):
    result = runner.invoke(args=["overdue", "--as-of", "1 April"])
    assert result.exit_code != 0 and "is not a date in the form YYYY-MM-DD" in result.output
    result = runner.invoke(args=["overdue", "--force", "atlantis"])
    assert result.exit_code != 0 and "No force has the slug 'atlantis'" in result.output


def test_an_approved_extension_moves_the_item_out_until_its_new_date(app, runner):
    tracking = get_tracking("cumbria", "3.2")
    extension = extension_service.request(tracking, None, new_due_on=date(2022, 6, 30), reason="National guidance",
                                          requested_by="ACC Example")
    extension_service.decide(extension, make_user(Role.REVIEWER), extension.version, approve=True, reason="Agreed",
                             today=date(2022, 4, 1))
    db.session.commit()
    assert "3.2" not in {i["ref"] for i in overdue_json(runner, "--as-of", "2022-04-01", "--force", "cumbria")}
    [item] = [i for i in overdue_json(runner, "--as-of", "2022-07-01", "--force", "cumbria") if i["ref"] == "3.2"]
    assert item["due"] == "2022-06-30" and item["days_overdue"] == 1

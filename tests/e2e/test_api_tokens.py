"""A personal access token made, used and revoked in a real browser: the settings page shows it once,
the API answers it, and after revoking it the API refuses it."""

from __future__ import annotations

from tests.e2e.conftest import assert_accessible


def test_a_token_is_made_shown_once_used_and_revoked(live_server, new_page):
    page = new_page(role="viewer")
    url = live_server["url"]
    page.goto(url + "/settings/api-tokens")
    page.click("button:has-text('Create token')")  # no name: the error summary, nothing made
    assert "Enter a name for the token" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "API tokens with an error")
    page.fill("#name", "Board report in Power BI")
    page.check("input[name=expires][value='30']")
    page.click("button:has-text('Create token')")
    secret = page.inner_text("#new-token").strip()
    assert secret.startswith("trk_")
    assert_accessible(page, "API tokens with a new token shown")
    answer = page.request.get(url + "/api/v1/overdue?as_of=2022-04-01", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["meta"]["total"] > 0
    page.goto(url + "/settings/api-tokens")
    assert secret not in page.content() and "Board report in Power BI" in page.inner_text("main")
    page.click("button:has-text('Revoke')")
    assert "revoked" in page.inner_text(".govuk-notification-banner")
    refused = page.request.get(url + "/api/v1/overdue", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401

"""Signing in: right and wrong passwords, the lockout, CSRF, safe redirects, security headers."""

import pytest

from tests.factories import TEST_PASSWORD, make_user
from tests.page_check import csrf_token


def post_sign_in(client, email, password, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_a_signed_out_visitor_sees_the_welcome_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "Sign in" in page and "Overdue" not in page


def test_sign_in_with_the_right_password(app, client):
    user = make_user()
    response = post_sign_in(client, user.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Overdue and due soon" in client.get("/").get_data(as_text=True)


def test_a_wrong_password_reshows_the_form_with_an_error_summary(app, client):
    user = make_user()
    response = post_sign_in(client, user.email, "wrong")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "govuk-error-summary" in page and "Enter a correct email address and password" in page
    assert f'value="{user.email}"' in page


def test_empty_fields_get_field_messages(client):
    page = post_sign_in(client, "", "").get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_a_sign_in_without_its_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    user = make_user()
    response = post_sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 400
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    assert post_sign_in(client, user.email, TEST_PASSWORD, csrf_token=token).status_code == 302


@pytest.mark.parametrize("next_", [
    "https://evil.example/", "//evil.example", "/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
    "%5C%5Cevil.example", "/%5Cevil.example", "/%5C/evil.example", "%2F%2Fevil.example", "/%E3%80%80/evil.example",
    "javascript:alert(1)", "/%00/evil.example", "/ /evil.example", "/%0D%0ASet-Cookie:%20x=1",
])
def test_next_goes_only_to_this_site(app, next_):
    client = app.test_client()
    user = make_user()
    response = client.post(f"/sign-in?next={next_}", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_follows_a_path_on_this_site(app, client):
    user = make_user()
    response = client.post("/sign-in?next=/inspections/%3Fyear%3D2021", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/inspections/?year=2021"


def test_security_headers(client):
    headers = client.get("/sign-in").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)

"""The organisation's account as a way to sign in: an OpenID Connect client (Authlib) configured from
TRACKER_OIDC_* settings.

Authlib does the protocol's checks: the state (against the session), PKCE (S256), the ID token's
signature against the issuer's published keys (fetched from its JWKS address once, kept, and fetched
again when a token names a key not among them, as after the issuer rotates its keys), its issuer,
audience, expiry and nonce. tracker then checks the tenant and maps the claims to a role and forces.

An account is known by its issuer and subject. Its email address comes from the `email` claim only
(never `preferred_username`, which in many providers the person chooses, and which OpenID Connect
Core says "MUST NOT" be used as a unique identifier); whether it may link the account to an existing
tracker account by that address is decided in tracker.services.users.user_for_account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth, OAuthError
from flask import Flask, current_app
from joserfc.errors import BadSignatureError

from tracker.domain.identity import Grant, grant_for, parse_role_map
from tracker.domain.owner_links import is_email_address

__all__ = ["OAuthError", "Account", "client", "enabled", "init_app", "local_sign_in", "read_account"]

EXTENSION = "tracker_oidc"


@dataclass(frozen=True)
class Account:
    """An organisation's account as the ID token describes it, and what the role map gives it."""

    issuer: str
    subject: str
    email: str  # "" when the `email` claim is missing or not an email address
    email_verified: bool
    name: str
    tenant: str | None
    grant: Grant | None


class OrganisationClient(FlaskOAuth2App):
    """Authlib's client, which fetches the issuer's keys again when a token names a key it does not hold;
    this one also does when a token that names no key fails against the keys held (the issuer has
    rotated them), once, before refusing it."""

    def parse_id_token(self, token, nonce, **kwargs):
        try:
            return super().parse_id_token(token, nonce, **kwargs)
        except BadSignatureError:
            self.fetch_jwk_set(force=True)
            return super().parse_id_token(token, nonce, **kwargs)


def init_app(app: Flask) -> None:
    """Check the role map when the app starts (a wrong map fails loudly here, not at someone's sign-in)."""
    parse_role_map(app.config.get("TRACKER_OIDC_ROLE_MAP"))
    oauth = OAuth(app)
    oauth.oauth2_client_cls = OrganisationClient
    app.extensions[EXTENSION] = {"oauth": oauth, "registered": set()}


def enabled() -> bool:
    """Whether the organisation's account is offered: an issuer and a client id are configured."""
    config = current_app.config
    return bool(config.get("TRACKER_OIDC_ISSUER") and config.get("TRACKER_OIDC_CLIENT_ID"))


def local_sign_in() -> bool:
    """Whether email and password sign-in is on (it is unless TRACKER_LOCAL_SIGN_IN=0)."""
    return bool(current_app.config.get("TRACKER_LOCAL_SIGN_IN", True))


def client():
    """The OpenID Connect client for the current settings (made once per settings, then kept with the
    issuer's metadata and keys)."""
    config = current_app.config
    settings = (config["TRACKER_OIDC_ISSUER"], config["TRACKER_OIDC_CLIENT_ID"], config["TRACKER_OIDC_CLIENT_SECRET"],
                config["TRACKER_OIDC_SCOPES"])
    name = "organisation-" + hashlib.sha256("\n".join(settings).encode()).hexdigest()[:12]
    state = current_app.extensions[EXTENSION]
    if name not in state["registered"]:
        issuer, client_id, client_secret, scopes = settings
        state["oauth"].register(
            name, client_id=client_id, client_secret=client_secret or None,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
        )
        state["registered"].add(name)
    return state["oauth"].create_client(name)


def email_verified(claims: dict, trust_email: bool) -> bool:
    """Whether the identity provider vouches for the account's email address.

    OpenID Connect Core 1.0, section 5.1, `email_verified`: "True if the End-User's e-mail address
    has been verified; otherwise false. When this Claim Value is true, this means that the OP took
    affirmative steps to ensure that this e-mail address was controlled by the End-User at the time
    the verification was performed." A provider that does not send the claim at all (Microsoft Entra
    ID) is trusted only when the installation says so (TRACKER_OIDC_TRUST_EMAIL); one that says
    false is never. Some providers write the value as the string "true".
    """
    verified = claims.get("email_verified")
    if verified is None:
        return trust_email
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def read_account(token: dict) -> Account:
    """The account the checked ID token describes, with what the role map gives it."""
    claims = dict(token.get("userinfo") or {})
    config = current_app.config
    email = str(claims.get("email") or "").strip().lower()
    if not is_email_address(email):
        email = ""
    name = str(claims.get("name") or claims.get("preferred_username") or email).strip()
    return Account(
        issuer=str(claims.get("iss") or config["TRACKER_OIDC_ISSUER"]),
        subject=str(claims.get("sub") or ""),
        email=email,
        email_verified=bool(email) and email_verified(claims, bool(config.get("TRACKER_OIDC_TRUST_EMAIL"))),
        name=name,
        tenant=str(claims["tid"]) if claims.get("tid") is not None else None,
        grant=grant_for(parse_role_map(config.get("TRACKER_OIDC_ROLE_MAP")), claims),
    )

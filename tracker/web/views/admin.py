"""Administration: the users, their roles and forces, password resets, and each office's public
details (administrators only).

A force administrator sees and manages only the users whose forces are all within their own, and
gives only the forces they belong to; another user answers 404, as another force's record does.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.domain.statuses import Role
from tracker.models import User, utcnow
from tracker.services import inspections as inspection_service
from tracker.services import public as public_service
from tracker.services import save
from tracker.services import sign_in as sign_in_service
from tracker.services import users as service
from tracker.web.auth import admin_required, keep_own_session
from tracker.web.forms import PasswordForm, PublicDetailsForm, UnlinkForm, UnlockForm, UserForm, as_choices, form_for
from tracker.web.saving import saving

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user(user_id: int) -> User:
    """The user with this id, or 404 (also when they are beyond the administrator's reach)."""
    user = service.get_user(user_id)
    if user is None or not service.may_manage(current_user, user):
        abort(404)
    return user


def _choices(form: UserForm, user: User | None = None) -> None:
    """The roles the administrator gives and the forces they belong to, for the radios and checkboxes."""
    held = service.held_force_ids(current_user)
    form.forces.choices = as_choices([(f.id, f.name) for f in inspection_service.all_forces() if f.id in held])
    roles = Role.grantable()
    if user is not None and user.role is Role.SERVICE_ADMIN and current_user.role is Role.SERVICE_ADMIN:
        roles = [Role.SERVICE_ADMIN, *roles]
    form.role.choices = as_choices([(r.value, r.label) for r in roles])


@bp.get("/users")
@admin_required
def users():
    """The users this administrator manages, with role, forces and whether they can sign in."""
    return render_template("admin/users.html", users=service.list_users(current_user), now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a user with a role, forces and a first password."""
    form = UserForm()
    _choices(form)
    if form.validate_on_submit():
        with saving(form) as attempt:
            user = service.create_user(form.email.data, form.name.data.strip(), Role(form.role.data),
                                       inspection_service.forces_by_ids(form.forces.data), form.password.data or "",
                                       by=current_user)
            user.active = bool(form.active.data)
        if attempt.ok:
            flash(f"User created: {user.email}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change a user's name, role, forces and whether they can sign in."""
    user = _user(user_id)
    form = form_for(UserForm, user, forces=[f.id for f in user.forces])
    form.email.data = user.email  # shown, never changed here
    del form.password
    _choices(form, user)
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.update_user(user, name=form.name.data, role=Role(form.role.data),
                                forces=inspection_service.forces_by_ids(form.forces.data), active=bool(form.active.data),
                                by=current_user)
        if attempt.ok:
            keep_own_session(user)
            flash(f"User saved: {user.email}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user, unlock_form=UnlockForm(),
                           unlink_form=UnlinkForm(), locked=user.locked_at(utcnow()))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def reset_password(user_id: int):
    """Give a user a new password (and lift a lockout)."""
    user = _user(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.set_password(user, form.password.data)
        if attempt.ok:
            keep_own_session(user)
            flash(f"Password reset for {user.email}; they are signed out everywhere", "success")
            return redirect(url_for(".users"))
    return render_template("admin/password_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/unlock")
@admin_required
def unlock(user_id: int):
    """Lift the lock that repeated wrong passwords put on an account (recorded in the audit trail)."""
    user = _user(user_id)
    if UnlockForm().validate_on_submit():
        sign_in_service.unlock(user)
        save()
        flash(f"Account unlocked: {user.email} can sign in again", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/unlink")
@admin_required
def unlink(user_id: int):
    """Unlink a user from their organisation account, so that another (the person's new one) can link
    to the user at its sign-in (recorded in the audit trail)."""
    user = _user(user_id)
    if UnlinkForm().validate_on_submit() and user.oidc_subject is not None:
        service.unlink_account(user)
        save()
        keep_own_session(user)
        flash(f"Organisation account unlinked: {user.email}", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


# --- each office's public details -------------------------------------------------------------------


def _held_force(force_slug: str):
    """A force the administrator belongs to (every force, for a service administrator), or 404."""
    force = inspection_service.get_force(force_slug)
    if force is None or force.id not in service.held_force_ids(current_user):
        abort(404)
    return force


@bp.get("/forces")
@admin_required
def forces():
    """The forces whose public details this administrator sets."""
    held = service.held_force_ids(current_user)
    return render_template("admin/forces.html", forces=[f for f in inspection_service.all_forces() if f.id in held])


@bp.route("/forces/<force_slug>/public-details", methods=["GET", "POST"])
@admin_required
def public_details(force_slug: str):
    """Set the office's website address and contact details, shown on the force's public pages."""
    force = _held_force(force_slug)
    form = form_for(PublicDetailsForm, force)
    if form.validate_on_submit():
        with saving(form) as attempt:
            public_service.set_public_details(force, works_in_welsh=bool(form.works_in_welsh.data),
                                              **{name: form[name].data for name in public_service.PUBLIC_DETAILS})
        if attempt.ok:
            flash(f"Public details saved: {force.opcc_name}", "success")
            return redirect(url_for(".forces"))
    return render_template("admin/public_details.html", form=form, force=force)

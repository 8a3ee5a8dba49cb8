"""Administration: the users, their roles and forces, and password resets (administrators only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from tracker.domain.statuses import Role
from tracker.models import User
from tracker.services import inspections as inspection_service
from tracker.services import users as service
from tracker.web.auth import admin_required
from tracker.web.forms import PasswordForm, UserForm, as_choices
from tracker.web.saving import saving

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user(user_id: int) -> User:
    """The user with this id, or 404."""
    return service.get_user(user_id) or abort(404)


def _force_choices(form: UserForm) -> None:
    """Every force, for the checkboxes."""
    form.forces.choices = as_choices([(f.id, f.name) for f in inspection_service.all_forces()])


@bp.get("/users")
@admin_required
def users():
    """Every user, with role, forces and whether they can sign in."""
    return render_template("admin/users.html", users=service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Create a user with a role, forces and a first password."""
    form = UserForm()
    _force_choices(form)
    if form.validate_on_submit():
        with saving(form) as attempt:
            user = service.create_user(form.email.data, form.name.data.strip(), Role(form.role.data),
                                       inspection_service.forces_by_ids(form.forces.data), form.password.data or "")
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
    if request.method == "GET":
        form = UserForm(data={"email": user.email, "name": user.name, "role": user.role.value,
                              "forces": [f.id for f in user.forces], "active": user.active})
    else:
        form = UserForm()
        form.email.data = user.email
    del form.password
    _force_choices(form)
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.update_user(user, name=form.name.data, role=Role(form.role.data),
                                forces=inspection_service.forces_by_ids(form.forces.data), active=bool(form.active.data))
        if attempt.ok:
            flash(f"User saved: {user.email}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user)


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
            flash(f"Password reset for {user.email}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/password_form.html", form=form, user=user)

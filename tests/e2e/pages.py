"""The pages the browser tests check for accessibility (axe-core) and HTML validity (Nu HTML Checker).

ONE list, so that each branch adds its own pages here: (name, path, role). A path may name the
demonstration records by placeholder: {tracking} (Cumbria's tracking of recommendation 4),
{action} (its first action), {rec} (recommendation 4.1), {user} (the demonstration viewer),
{evidence} (an evidence file the journey test attached, when it has run).
Roles are the demonstration users' roles: admin (every force), editor, reviewer, approver, viewer (Cumbria).
The national report is shared by every force, so its forms are the administrator's.
"""

PAGES: list[tuple[str, str, str | None]] = [
    ("sign in", "/sign-in", None),
    ("inspections", "/inspections/", "editor"),
    ("inspections filtered", "/inspections/?year=2021&type=national_thematic&state=open&q=violence", "viewer"),
    ("inspection", "/inspections/vawg-2021", "editor"),
    ("inspection as viewer", "/inspections/vawg-2021", "viewer"),
    ("IOPC recommendations", "/inspections/example-iopc-pursuit-2022", "reviewer"),
    ("inspection history", "/inspections/vawg-2021/history", "editor"),
    ("inspection as administrator", "/inspections/vawg-2021", "admin"),
    ("a force's part of an inspection", "/inspections/vawg-2021/scope/cumbria", "editor"),
    ("add inspection", "/inspections/new", "editor"),
    ("edit inspection", "/inspections/vawg-2021/edit", "admin"),
    ("add recommendation", "/inspections/vawg-2021/recommendations/new", "admin"),
    ("edit recommendation", "/recommendations/{rec}/edit", "admin"),
    ("tracking", "/tracking/{tracking}", "editor"),
    ("tracking as reviewer", "/tracking/{tracking}", "reviewer"),
    ("tracking as viewer", "/tracking/{tracking}", "viewer"),
    ("edit tracking", "/tracking/{tracking}/edit", "editor"),
    ("edit chief's comment", "/tracking/{tracking}/edit", "reviewer"),
    ("tracking history", "/tracking/{tracking}/history", "editor"),
    ("add action", "/tracking/{tracking}/actions/new", "editor"),
    ("edit action", "/actions/{action}/edit", "editor"),
    ("add progress update", "/actions/{action}/updates/new", "editor"),
    ("action history", "/actions/{action}/history", "editor"),
    ("users", "/admin/users", "admin"),
    ("add user", "/admin/users/new", "admin"),
    ("edit user", "/admin/users/{user}/edit", "admin"),
    ("reset password", "/admin/users/{user}/password", "admin"),
    ("not found", "/tracking/999999", "editor"),
    # Statutory responses
    ("responses", "/responses/", "viewer"),
    ("response", "/responses/cumbria/vawg-2021", "editor"),
    ("response as reviewer", "/responses/cumbria/vawg-2021", "reviewer"),
    ("response preview", "/responses/cumbria/vawg-2021/preview", "viewer"),
    ("response milestones", "/responses/cumbria/vawg-2021/milestones", "editor"),
    ("response comments", "/responses/cumbria/vawg-2021/comments", "editor"),
    ("publish response", "/responses/cumbria/vawg-2021/publish", "editor"),
    ("statutory paragraph", "/responses/cumbria/statutory-paragraph/edit", "editor"),
    # The response as a task list, its pages, and the PCC's approval (issue 15)
    ("response as approver", "/responses/cumbria/vawg-2021", "approver"),
    ("response invitation", "/responses/cumbria/vawg-2021/invite", "editor"),
    ("response explanations", "/responses/cumbria/vawg-2021/explanations", "editor"),
    ("response approval", "/responses/cumbria/vawg-2021/approve", "approver"),
    ("response start from", "/responses/cumbria/vawg-2021/start-from", "editor"),
    # Another source's response: its own tasks and answers (each item's action and timetable linked)
    ("IOPC response", "/responses/cumbria/example-iopc-pursuit-2022", "editor"),
    ("coroner's response answers", "/responses/cumbria/example-coroner-pfd-2022/explanations", "editor"),
    ("fire action plan", "/responses/essex/example-fire-inspection-2022", "admin"),
    ("sign off an action", "/actions/{action}/sign-off", "reviewer"),
    ("public responses", "/public/cumbria", None),
    # The OPCC's public face
    ("public index", "/public/", None),
    ("public accessibility statement", "/public/cumbria/accessibility", None),
    ("public accessibility statement of every force", "/public/accessibility", None),
    ("public privacy notice", "/public/cumbria/privacy", None),
    ("public contact", "/public/cumbria/contact", None),
    ("public contact of every force", "/public/contact", None),
    ("public details of the forces", "/admin/forces", "admin"),
    ("public details form", "/admin/forces/cumbria/public-details", "admin"),
    # Oversight
    ("dashboard", "/", "reviewer"),
    ("dashboard as of 1 April 2022", "/?as_of=2022-04-01", "viewer"),
    ("dashboard filtered and sorted", "/?as_of=2022-04-01&window=open&theme=vawg&sort=owner&order=asc&per_page=10", "editor"),
    ("dashboard with wrong filters", "/?as_of=banana&sort=nope", "viewer"),
    ("dashboard of a typed date and a grouped status", "/?as_of=1+April+2022&window=open&status=action%3Ain_progress", "viewer"),
    ("dashboard with the reviewer's queue", "/?as_of=2022-04-01", "reviewer"),
    ("dashboard of an inspection's title words", "/?as_of=2022-04-01&window=open&inspection=women+VIOLENCE", "viewer"),
    ("dashboard of words no inspection's title has", "/?as_of=2022-04-01&inspection=no+such+words", "viewer"),
    ("dashboard with too many words for an inspection", "/?inspection=" + "w" * 201, "viewer"),
    ("progress", "/progress?as_of=2022-04-01", "reviewer"),
    ("calendar feed settings", "/settings/calendar", "reviewer"),
    ("email settings", "/settings/notifications", "viewer"),
    # The data API's tokens
    ("API tokens", "/settings/api-tokens", "viewer"),
    ("recommendation themes", "/recommendations/{rec}/themes", "admin"),
    ("committee packs", "/committee-packs?as_of=not-a-date", "reviewer"),
    # Importing recommendations
    ("import recommendations", "/inspections/vawg-2021/import", "admin"),
]

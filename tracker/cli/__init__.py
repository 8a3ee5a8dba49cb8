"""Every `flask --app tracker COMMAND`, grouped by job: administration, data in and out, operations.

Commands call services and documents like the pages do; only the app factory imports this package.
"""

from __future__ import annotations

from flask import Flask

from tracker.cli import admin, data, operations

COMMANDS = (
    admin.seed_command,
    admin.create_user_command,
    data.import_report_command,
    data.export_inspection_command,
    data.import_inspection_command,
    data.generate_demo_command,
    operations.overdue_command,
    operations.render_response_command,
    operations.send_reminders_command,
    operations.send_owner_links_command,
    operations.backup_command,
    operations.restore_command,
    operations.sweep_evidence_command,
    operations.check_counts_command,
)


def init_app(app: Flask) -> None:
    """Register every command on the app."""
    for command in COMMANDS:
        app.cli.add_command(command)

"""References stored as "Recommendation 1" become "1": pages print the kind before the reference,
and read "Recommendation Recommendation 1". The same for "Area for improvement 1" and "Cause of
concern 1". A reference changes only where its label names the item's own kind and the number is
used by no other item of the inspection (nor by another label's item that would become it too).

Revision ID: bare_recommendation_refs
Revises: sessions_and_sign_in
"""
import re
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "bare_recommendation_refs"
down_revision = "sessions_and_sign_in"
branch_labels = None
depends_on = None

LABELS = {"recommendation": "Recommendation", "area_for_improvement": "Area for improvement",
          "cause_of_concern": "Cause of concern"}

recommendations = sa.table(
    "recommendations", sa.column("id", sa.Integer), sa.column("inspection_id", sa.Integer),
    sa.column("ref", sa.String), sa.column("kind", sa.String), sa.column("version", sa.Integer))


def bare_refs(rows: list[tuple[int, int, str | None, str]]) -> dict[int, str]:
    """{id: new reference} for rows (id, inspection id, ref, kind) whose labelled reference can become bare."""
    taken = {(inspection, ref) for _, inspection, ref, _ in rows if ref is not None}
    wanted = {}
    for id_, inspection, ref, kind in rows:
        m = re.fullmatch(rf"{re.escape(LABELS.get(kind, '?'))}\s+(\d{{1,3}}(?:\.\d{{1,3}})*)", ref or "")
        if m:
            wanted[id_] = (inspection, m.group(1))
    claims = Counter(wanted.values())
    return {id_: target[1] for id_, target in wanted.items() if target not in taken and claims[target] == 1}


def _rename(bind) -> None:
    """Rename the references that can be renamed, bumping each row's version (open edit forms go stale)."""
    rows = bind.execute(sa.select(recommendations.c.id, recommendations.c.inspection_id, recommendations.c.ref,
                                  recommendations.c.kind).where(recommendations.c.ref.is_not(None))).all()
    for id_, ref in bare_refs([tuple(r) for r in rows]).items():
        bind.execute(sa.update(recommendations).where(recommendations.c.id == id_)
                     .values(ref=ref, version=recommendations.c.version + 1))


def upgrade():
    _rename(op.get_bind())


def downgrade():
    pass  # "1" and "Recommendation 1" name the same item: nothing to undo

"""What a channel flags beside an order's status (JD's "(删除)", "(锁定)"...: domain/flags.py), and
whether the order's amounts are known (a channel file without amounts, such as Amazon's pickup
list, gives orders whose total and paid amount are unknown: shown as —, left out of money totals,
filled by a later file that has them).

Nothing existing changes: every order starts without flags and with its amounts known.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.add_column(sa.Column("flags", sa.String(200), nullable=False, server_default=""))
        b.add_column(sa.Column("amount_known", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.drop_column("amount_known")
        b.drop_column("flags")

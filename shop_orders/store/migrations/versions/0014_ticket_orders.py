"""Summary tickets (issue 26): the orders a summary ticket gathers (history that arrived already
stale: one ticket per kind and age band instead of one per order), each with what the rule saw.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_orders",
        sa.Column("ticket_id", sa.BigInteger, sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("order_id", sa.BigInteger, sa.ForeignKey("orders.id"), primary_key=True),
        sa.Column("rule_key", sa.String(200), nullable=False),
    )
    op.create_index("ix_ticket_orders_order", "ticket_orders", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_orders_order", "ticket_orders")
    op.drop_table("ticket_orders")

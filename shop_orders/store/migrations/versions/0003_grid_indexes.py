"""Indexes for the order grid: prefix search on numbers, names and phones; sorts on every column.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEARCH = ("order_no", "channel_order_no", "buyer", "phone", "tracking_no")
SORT = ("channel", "total_minor", "paid_minor", "courier")


def upgrade() -> None:
    for c in SEARCH:
        op.create_index(f"ix_orders_{c}_prefix", "orders", [c], postgresql_ops={c: "text_pattern_ops"})
    for c in SORT:
        op.create_index(f"ix_orders_{c}", "orders", [c])


def downgrade() -> None:
    for c in SEARCH:
        op.drop_index(f"ix_orders_{c}_prefix", "orders")
    for c in SORT:
        op.drop_index(f"ix_orders_{c}", "orders")

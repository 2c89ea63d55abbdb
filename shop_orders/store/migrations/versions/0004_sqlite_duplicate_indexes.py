"""SQLite: drop two search indexes that duplicate others there.

On SQLite the grid's prefix search is a byte range on the column, which the unique index on
order_no and ix_orders_tracking_no already serve; ix_orders_order_no_prefix and
ix_orders_tracking_no_prefix only made every insert dearer (measured: about a tenth of an
import's write time). On PostgreSQL they are text_pattern_ops indexes for LIKE 'prefix%' and stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DUPLICATES = ("order_no", "tracking_no")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for c in DUPLICATES:
            op.drop_index(f"ix_orders_{c}_prefix", "orders")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for c in DUPLICATES:
            op.create_index(f"ix_orders_{c}_prefix", "orders", [c])

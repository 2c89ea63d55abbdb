"""An index on order_lines.sku: a tracking number is refused when it is a SKU known to the store
(services/parcels.py check_number, issue 26 item 6), looked up by this index so a scan costs the
same on a million orders as on ten.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_order_lines_sku", "order_lines", ["sku"])


def downgrade() -> None:
    op.drop_index("ix_order_lines_sku", "order_lines")

"""Courier tracking on each parcel: the state the courier last gave, its pickup and delivery
times, its events (normalised, as JSON), when it was last checked, and whether the parcel was
recalled (a false "shipped" rolled back to awaiting shipment).

Nothing existing changes: every shipment starts unchecked.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from shop_orders.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments") as b:
        b.add_column(sa.Column("track_state", sa.String(24), nullable=False, server_default=""))
        b.add_column(sa.Column("track_checked_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("picked_up_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("delivered_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("track_events", sa.Text, nullable=False, server_default="[]"))
        b.add_column(sa.Column("recalled_at", UTCDateTime(), nullable=True))
    op.create_index("ix_shipments_tracking", "shipments", ["recalled_at", "track_state"])


def downgrade() -> None:
    op.drop_index("ix_shipments_tracking", "shipments")
    with op.batch_alter_table("shipments") as b:
        for name in ("recalled_at", "track_events", "delivered_at", "picked_up_at", "track_checked_at",
                     "track_state"):
            b.drop_column(name)

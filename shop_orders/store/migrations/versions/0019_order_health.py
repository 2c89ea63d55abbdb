"""The health dashboard (issue 28): when the store first heard of a parcel's pickup and delivery
(the status sync delay), and the per-order rollup its figures are read from
(store/health_rollup.py: derived data, created and filled here for the orders already in the
store, in batches of 20,000 orders).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from shop_orders.store import health_rollup
from shop_orders.store.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments") as b:
        b.add_column(sa.Column("pickup_seen_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("delivered_seen_at", UTCDateTime(), nullable=True))
    conn = op.get_bind()
    health_rollup.create(conn)
    health_rollup.rebuild(conn)


def downgrade() -> None:
    health_rollup.drop(op.get_bind())
    with op.batch_alter_table("shipments") as b:
        b.drop_column("delivered_seen_at")
        b.drop_column("pickup_seen_at")

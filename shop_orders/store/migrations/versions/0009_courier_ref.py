"""The courier's own id for a parcel (AfterShip's tracking id, given when the parcel is
registered with it), so the next sync reads the parcel by it: AfterShip's dated API reads a
tracking only by its id.

Nothing existing changes: every shipment starts without one and is looked up on its next sync.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments") as b:
        b.add_column(sa.Column("track_ref", sa.String(128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("shipments") as b:
        b.drop_column("track_ref")

"""Order seals (store/seals.py): the keyed digest of an order's row, lines, payments and parcels,
bound to its newest audit event, so that a direct edit of a field the replay does not state
(archived, times, version, SKU, title, shipped quantities, payment method and reference, parcels)
is reported by `audit verify`.

Existing orders start unsealed; the first seat that holds the store's audit key seals them once
when it opens the store (signing.adopt).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.add_column(sa.Column("seal", sa.String(80), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("orders") as b:
        b.drop_column("seal")

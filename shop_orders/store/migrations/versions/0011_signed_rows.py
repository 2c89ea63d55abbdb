"""Signatures of the rows that decide who may do what (users, settings: store/signing.py), and who
last set an account's role and its credentials (the two-person rule, services/changesets.py).

Existing rows start unsigned; the first seat that holds the store's audit key signs them once when
it opens the store (signing.adopt).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from shop_orders.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as b:
        b.add_column(sa.Column("role_set_by", sa.String(100), nullable=False, server_default=""))
        b.add_column(sa.Column("role_set_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("secret_set_by", sa.String(100), nullable=False, server_default=""))
        b.add_column(sa.Column("secret_set_at", UTCDateTime(), nullable=True))
        b.add_column(sa.Column("signature", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("settings") as b:
        b.add_column(sa.Column("signature", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("settings") as b:
        b.drop_column("signature")
    with op.batch_alter_table("users") as b:
        for name in ("signature", "secret_set_at", "secret_set_by", "role_set_at", "role_set_by"):
            b.drop_column(name)

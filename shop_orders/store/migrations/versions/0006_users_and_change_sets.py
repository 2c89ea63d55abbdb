"""Users and roles, two-person change sets, archived orders, and who did what in the trail.

- users: local accounts (argon2id hashes only), roles, lockout after wrong attempts.
- change_sets / change_set_items: proposals waiting for a second person, with the exact per-order
  before → after they were proposed against.
- orders.archived: a deleted order is archived (hidden from the grid, kept in the store); the
  grid's sort and filter indexes are rebuilt to lead with it, so hiding archived orders keeps
  every sort, page and count an index range (the single-column ones they replace are dropped).
- audit_events.role / approver: the signed-in user's role and a change's approver; events written
  before keep '' (and their hashes, which cover the two only when they are not empty).

Nothing is lost: every existing row stays as it was; the app asks for the first owner at its next
start (the command line: `shop-orders users add NAME --role owner`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from shop_orders.store.types import BigId, UTCDateTime

SORTED = ("order_no", "channel", "channel_order_no", "buyer", "total_minor", "paid_minor", "status", "courier",
          "tracking_no", "created_at", "updated_at")
REPLACED = ("ix_orders_status_updated_at", "ix_orders_status_id", "ix_orders_updated_at", "ix_orders_created_at",
            "ix_orders_channel_status", "ix_orders_channel", "ix_orders_total_minor", "ix_orders_paid_minor",
            "ix_orders_courier")

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("pin_hash", sa.Text, nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "change_sets",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("order_count", sa.Integer, nullable=False),
        sa.Column("proposer", sa.String(100), nullable=False),
        sa.Column("proposer_role", sa.String(24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_role", sa.String(24), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text, nullable=False),
        sa.Column("revert_of", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_change_sets_state", "change_sets", ["state"])
    op.create_table(
        "change_set_items",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("change_set_id", sa.BigInteger, sa.ForeignKey("change_sets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("order_id", sa.BigInteger, nullable=False),
        sa.Column("order_no", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
    )
    op.create_index("ix_change_set_items_set", "change_set_items", ["change_set_id"])
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()))
    for name in REPLACED:
        op.drop_index(name, "orders")
    op.create_index("ix_orders_live_status_updated", "orders", ["archived", "status", "updated_at"])
    for c in SORTED:
        op.create_index(f"ix_orders_live_{c}", "orders", ["archived", c, "id"])
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("role", sa.String(24), nullable=False, server_default=""))
        batch.add_column(sa.Column("approver", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("approver")
        batch.drop_column("role")
    op.drop_index("ix_orders_live_status_updated", "orders")
    for c in SORTED:
        op.drop_index(f"ix_orders_live_{c}", "orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("archived")
    op.create_index("ix_orders_status_updated_at", "orders", ["status", "updated_at"])
    op.create_index("ix_orders_status_id", "orders", ["status", "id"])
    op.create_index("ix_orders_updated_at", "orders", ["updated_at"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_channel_status", "orders", ["channel", "status"])
    for c in ("channel", "total_minor", "paid_minor", "courier"):
        op.create_index(f"ix_orders_{c}", "orders", [c])
    op.drop_table("change_set_items")
    op.drop_table("change_sets")
    op.drop_table("users")

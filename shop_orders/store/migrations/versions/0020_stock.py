"""Stock (issue 29): the catalogue of SKUs with their barcodes, on-hand, safety and incoming
quantities, every movement of them, what each paid order line reserves (derived), and when a
returned parcel was put back on the shelf.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from shop_orders.store.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_order_lines_open_sku", "order_lines", ["sku", "order_id"],
                    sqlite_where=sa.text("qty > shipped_qty"), postgresql_where=sa.text("qty > shipped_qty"))
    with op.batch_alter_table("shipments") as b:
        b.add_column(sa.Column("restocked_at", UTCDateTime(), nullable=True))
    op.create_table(
        "stock_items",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("location", sa.String(64), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("safety", sa.Integer(), nullable=False),
        sa.Column("incoming", sa.Integer(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_items_on_hand"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_stock_items_reserved"),
        sa.CheckConstraint("safety >= 0", name="ck_stock_items_safety"),
        sa.CheckConstraint("incoming >= 0", name="ck_stock_items_incoming"),
    )
    op.create_index("ix_stock_items_location", "stock_items", ["location", "sku"])
    op.create_table(
        "stock_barcodes",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("sku", sa.String(64), sa.ForeignKey("stock_items.sku", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_stock_barcodes_sku", "stock_barcodes", ["sku"])
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("incoming_after", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("order_no", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_stock_movements_sku", "stock_movements", ["sku", "id"])
    op.create_table(
        "stock_reservations",
        sa.Column("line_id", sa.BigInteger(), sa.ForeignKey("order_lines.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("priority_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_stock_reservations_sku", "stock_reservations", ["sku"])
    op.create_index("ix_stock_reservations_order", "stock_reservations", ["order_id"])
    op.create_index("ix_stock_reservations_missing", "stock_reservations", ["missing", "order_id"])


def downgrade() -> None:
    for name in ("stock_reservations", "stock_movements", "stock_barcodes", "stock_items"):
        op.drop_table(name)
    with op.batch_alter_table("shipments") as b:
        b.drop_column("restocked_at")
    op.drop_index("ix_order_lines_open_sku", "order_lines")

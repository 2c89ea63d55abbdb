"""Reconciliation (issue 27): imported payment and bank statements, their lines (kept once per
provider and external id), the lines' matches to orders, and each order's reconciliation state.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from shop_orders.store.types import BigId, UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _text(name: str, size: int | None = None) -> sa.Column[Any]:
    return sa.Column(name, sa.String(size) if size else sa.Text, nullable=False, server_default="")


def _money(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "statements",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        _text("account", 128),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        _time("period_from", True), _time("period_to", True),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
        _time("imported_at"),
        sa.Column("imported_by", sa.String(100), nullable=False),
        _text("digest", 64),
    )
    op.create_table(
        "statement_lines",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.BigInteger, sa.ForeignKey("statements.id"), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("row_no", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _money("amount_minor"), _money("fee_minor"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("presentment_minor", sa.BigInteger, nullable=True),
        _text("presentment_currency", 3),
        _time("occurred_at"),
        _text("merchant_order_no", 128), _text("provider_txn", 128), _text("refund_no", 128),
        _text("platform_order_no", 128), _text("original_txn", 128), _text("payout_id", 128),
        _text("memo"), _text("counterparty", 200),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        _text("rule", 64), _text("reason"), _text("decided_by", 100),
        _time("decided_at", True),
        sa.Column("paid_out_by", sa.BigInteger, nullable=True),
        _text("seal", 64),
        sa.UniqueConstraint("provider", "external_id", name="uq_statement_lines_provider_external"),
    )
    for name, cols in (("statement", ["statement_id"]), ("state_time", ["state", "occurred_at"]),
                       ("merchant", ["merchant_order_no"]), ("platform", ["platform_order_no"]),
                       ("txn", ["provider_txn"]), ("original", ["original_txn"]), ("payout", ["payout_id"])):
        op.create_index(f"ix_statement_lines_{name}", "statement_lines", cols)
    op.create_table(
        "line_matches",
        sa.Column("line_id", sa.BigInteger, sa.ForeignKey("statement_lines.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("order_id", sa.BigInteger, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        _money("amount_minor"),
        sa.Column("rule", sa.String(64), nullable=False),
        _text("matched_by", 100),
        _time("matched_at"),
    )
    op.create_index("ix_line_matches_order", "line_matches", ["order_id"])
    op.create_table(
        "order_reconciliation",
        sa.Column("order_id", sa.BigInteger, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        _money("expected_minor"), _money("received_minor"), _money("difference_minor"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
        _text("decided_by", 100), _text("reason"),
        _time("updated_at"),
    )
    op.create_index("ix_order_reconciliation_state", "order_reconciliation", ["state"])


def downgrade() -> None:
    op.drop_index("ix_order_reconciliation_state", "order_reconciliation")
    op.drop_table("order_reconciliation")
    op.drop_index("ix_line_matches_order", "line_matches")
    op.drop_table("line_matches")
    for name in ("statement", "state_time", "merchant", "platform", "txn", "original", "payout"):
        op.drop_index(f"ix_statement_lines_{name}", "statement_lines")
    op.drop_table("statement_lines")
    op.drop_table("statements")

"""The reconciliation board's index (issue 27): a period's statement lines by time, newest first,
read along an index instead of sorted (100,000 lines: the board's first page and count in a few
milliseconds instead of some 70; tests/bench/bench_recon_board.py --index).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_statement_lines_time", "statement_lines", ["occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_statement_lines_time", table_name="statement_lines")

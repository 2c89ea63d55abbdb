"""The quick search's index (store/search_index.py): any part of an order's numbers, names, phone
and address. Derived data, created and filled here for the orders already in the store (in
batches of 20,000 orders, so memory stays bounded whatever the store's size).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from alembic import op

from shop_orders.store import search_index

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    search_index.create(conn)
    search_index.rebuild(conn)


def downgrade() -> None:
    search_index.drop(op.get_bind())

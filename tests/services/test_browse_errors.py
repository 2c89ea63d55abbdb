"""A read the window runs on its own (the courier sync's schedule) meets a store it cannot read:
one sentence as a ShopOrdersError, never a driver's exception, so the UI needs no database types."""

import sqlite3

import pytest

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.services.browse import WarehouseBrowser


def test_sync_settings_of_a_store_that_cannot_be_read_are_one_sentence(sqlite_db):
    path = sqlite_db.own_files()[0]
    with sqlite3.connect(path) as c:  # the settings table is gone (a damaged or foreign store)
        c.execute("DROP TABLE settings")
    c.close()
    with pytest.raises(ShopOrdersError) as caught:
        WarehouseBrowser(sqlite_db).tracking_settings()
    assert str(caught.value).count("\n") == 0 and str(path) in str(caught.value)

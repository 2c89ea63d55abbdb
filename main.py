"""Start the Shop Orders desktop app (the same as `shop-orders-gui`)."""
from shop_orders.app import run_gui

raise SystemExit(run_gui())

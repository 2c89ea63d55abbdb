"""`python -m shop_orders ...` runs the command line."""
from shop_orders.cli import main

raise SystemExit(main())

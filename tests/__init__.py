"""The test suite. Importing it composes the app as its composition root does (services/uow.py):
every `UnitOfWork(db)` of a test, of a helper started with `python -m tests.…` and of a benchmark
that imports from tests runs the detection rules (services/context.install_rules)."""

from shop_orders.services.context import install_rules

install_rules()

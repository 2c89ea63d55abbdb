"""Use cases: the ONLY way to change data. Each validates, changes rows and writes audit events
in one transaction (a UnitOfWork), or raises an error whose message a person can read."""

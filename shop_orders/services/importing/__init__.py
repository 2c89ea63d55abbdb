"""Importing channel order exports (Excel/CSV): read safely, find the header, recognise the
channel, turn untrusted cells into orders, and apply them in one transaction through the services.

    adapters/readers.py  files to rows (hostile-file guards first: adapters/safety.py), outside this package
    values.py    cells to exact values (order numbers, amounts, times)
    profiles.py  built-in and custom channel profiles (columns, status words)
    header.py    where the header is, which profile it matches, where the data ends
    plan.py      rows to an ImportPlan (creates, updates, unchanged, problems) checked against the store
    runner.py    applies a plan in one unit of work, with progress and cancel
"""

"""Adapters: the code that talks to the outside world, other than the store.

What belongs here: the HTTP clients of the couriers (couriers/), the readers of the files people
import (readers.py, with safety.py's checks of a hostile file before it is parsed), and the Qt
painting of what is printed (slip_painting.py: packing slips on a PDF or a printer). What does
not: rules (domain/), changes to the store and their audit (services/), SQL (store/), widgets
(ui/).

An adapter translates between the outside's shapes and the domain's: it takes and returns domain
values (a `TrackResult`, rows of text, a slip's layout) and raises the domain's errors with one
sentence naming what failed. The services use adapters; adapters use the domain and nothing of
the services, the UI or the command line (tests/unit/test_import_graph.py checks it).
"""

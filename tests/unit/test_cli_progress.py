"""The command line's progress bar: drawn in place on a terminal at most ten times a second,
ended with a newline, and nothing at all when stderr is not a terminal."""

import io

from shop_orders.cli.common import ProgressBar
from shop_orders.domain import messages


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_the_share_done_and_the_counts():
    bar = ProgressBar(stream=Terminal())
    assert bar.text(45_000, 100_000) == "[#########-----------]  45% 45,000/100,000 orders"
    assert bar.text(0, 0) == "[--------------------]   0% 0/0 orders"
    assert bar.text(7, 5).startswith("[####################] 100%")


def test_redraws_at_most_ten_times_a_second_but_always_the_end_and_a_new_stage():
    term, clock = Terminal(), Clock()
    bar = ProgressBar(stream=term, clock=clock)
    for done in range(1, 100):
        clock.now += 0.001  # a hundred reports within a tenth of a second
        bar(done, 100)
    assert term.getvalue().count("\r") == 1
    clock.now += 0.2
    bar(99, 100)
    bar(100, 100)  # the end, however soon
    bar.update(1, 10, label="Checking", unit="{done}/{total} rows")  # a new stage, however soon
    drawn = term.getvalue().split("\r")[1:]
    assert len(drawn) == 4 and drawn[2].startswith("[####################] 100% 100/100 orders")
    assert drawn[3].startswith("Checking [##------------------]  10% 1/10 rows")
    bar.finish()
    assert term.getvalue().endswith("\n") and term.getvalue().count("\n") == 1
    bar.finish()  # nothing drawn since: no second newline
    assert term.getvalue().count("\n") == 1


def test_a_shorter_line_wipes_the_rest_of_the_longer_one():
    term = Terminal()
    bar = ProgressBar(stream=term)
    bar.update(5, 10, label="A long stage name")
    bar.update(6, 10, label="B")
    last = term.getvalue().split("\r")[-1]
    assert last.startswith("B [") and len(last) == len(term.getvalue().split("\r")[1])


def test_nothing_at_all_when_stderr_is_not_a_terminal():
    pipe = io.StringIO()
    with ProgressBar(stream=pipe) as bar:
        for done in range(0, 1001, 100):
            assert bar(done, 1000) is True  # the services carry on
    assert pipe.getvalue() == ""


def test_the_counts_read_in_chinese():
    messages.set_language("zh_CN")
    assert ProgressBar(stream=Terminal()).text(1, 2).endswith("1/2 个订单")

"""The UI's one write wrapper and its worker registry (ui/workers.py)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton, QWidget

from shop_orders.domain.errors import ValidationError
from shop_orders.ui.workers import registry_for, run_write


def test_a_write_holds_its_controls_off_and_hands_its_result_back_on_the_ui_thread(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    button = QPushButton("go", owner)
    go = threading.Event()
    answers: list = []
    threads: list = []

    def work() -> int:
        go.wait(5)
        return 42

    def done(result: int) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        answers.append(result)

    task = run_write(owner, work, done, answers.append, hold=[button])
    assert not button.isEnabled()  # off while the write runs
    assert task in registry_for(owner).running()
    go.set()
    qtbot.waitUntil(lambda: answers == [42], timeout=5000)
    assert threads == [True]


def test_a_refused_write_says_one_sentence_and_never_calls_done(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    done: list = []
    failed: list[str] = []

    def work() -> None:
        raise ValidationError("the order number is empty")

    run_write(owner, work, done.append, failed.append)
    qtbot.waitUntil(lambda: failed == ["the order number is empty"], timeout=5000)
    assert done == []


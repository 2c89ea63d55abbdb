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



def test_a_stress_of_quick_reads_crashes_nothing_loses_no_answer_and_keeps_no_task(tmp_path):
    """50 reads every 5 ms for 3 s, the caller dropping each task once its answer is in (as the poll
    and the grid model do), in a subprocess under faulthandler so a SIGSEGV fails this test: every
    answer arrives, every task's signals object is destroyed on the UI thread, none is kept."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "tests.ui.pool_stress", "3"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Fatal" not in run.stderr, run.stderr[-3000:]
    figures = dict(re.findall(r"([A-Z_]+)=(\d+)", run.stdout))
    assert int(figures["STARTED"]) >= 500, run.stdout
    assert figures["DELIVERED"] == figures["STARTED"], run.stdout  # no answer lost
    assert figures["DESTROYED"] == figures["STARTED"], run.stdout  # every signals object deleted...
    assert figures["OFF_UI"] == "0", run.stdout  # ...on the UI thread
    assert figures["ALIVE"] == "0" and figures["LEFT"] == "0", run.stdout  # no ended task kept


def test_the_registry_lets_go_of_each_task_once_its_answer_is_delivered(qtbot):
    import gc
    import weakref

    owner = QWidget()
    qtbot.addWidget(owner)
    answers: list = []
    refs = [weakref.ref(run_write(owner, lambda i=i: i, answers.append, answers.append)) for i in range(20)]
    registry = registry_for(owner)
    qtbot.waitUntil(lambda: len(answers) == 20 and not registry.held(), timeout=5000)
    assert sorted(answers) == list(range(20))
    gc.collect()
    assert [r for r in refs if r() is not None] == []

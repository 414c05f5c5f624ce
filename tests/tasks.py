"""Celery in tests, one way: every task the code under test queues (``delay``,
``delay_on_commit``, ``apply_async``) is caught by the autouse ``tasks`` fixture
(tests/conftest.py) instead of reaching the broker.

Unit tests read what was queued (``tasks.named("tasp.send_email")``), run it in-process as a
worker would (``tasks.run()``), or run every task at once as it is queued (``tasks.eager``).
Names in ``tasks.in_process`` always run at once. A test with a real worker (the
``celery_worker`` fixture) gets the rest delivered to that worker's own queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class QueuedTask:
    name: str
    args: tuple
    kwargs: dict
    countdown: float | None = None


@dataclass
class TaskQueue:
    to_worker: bool = False
    eager: bool = False
    in_process: set[str] = field(default_factory=set)
    queued: list[QueuedTask] = field(default_factory=list)

    def named(self, name: str) -> list[QueuedTask]:
        """Queued tasks with this name, or whose name ends with ``.name``."""
        return [t for t in self.queued if t.name == name or t.name.endswith(f".{name}")]

    def view(self, name: str, shape: Callable[[QueuedTask], Any] = lambda t: t.kwargs):
        """A live list of the queued ``name`` tasks, each shaped by ``shape`` (their kwargs)."""
        return _View(self, name, shape)

    def run(self, name: str | None = None) -> int:
        """Run the queued tasks (those named ``name`` only, when given) in-process, in order,
        and whatever they queue in turn; returns how many ran."""
        from celery import current_app

        ran = 0
        while todo := [t for t in self.queued if name is None or t in self.named(name)]:
            task = todo[0]
            self.queued.remove(task)
            current_app.tasks[task.name](*task.args, **task.kwargs)
            ran += 1
        return ran

    def catch(self, task, args, kwargs, options, send) -> Any:
        if self.eager or task.name in self.in_process:
            return task(*(args or ()), **(kwargs or {}))
        if self.to_worker:
            return send(task, args, kwargs, **options)
        self.queued.append(
            QueuedTask(task.name, tuple(args or ()), dict(kwargs or {}), options.get("countdown"))
        )
        return None


class _View(Sequence):
    def __init__(self, queue: TaskQueue, name: str, shape):
        self.queue, self.name, self.shape = queue, name, shape

    def _items(self) -> list:
        return [self.shape(t) for t in self.queue.named(self.name)]

    def __getitem__(self, index):
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __repr__(self) -> str:
        return repr(self._items())


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05):
    """``condition()``'s first truthy value, asked every ``interval`` seconds until ``timeout``
    seconds pass (then its last, falsy, value). The one polling helper of the test suite."""
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(interval)
    return result

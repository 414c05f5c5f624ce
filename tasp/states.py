"""One way to change a model's state: a table of allowed moves and one method that checks it.

A model lists, in ``MOVES``, the statuses each status may become; ``move_to`` checks the move,
sets the status and any fields that go with it, and saves them together (a model with
django-simple-history records the change). Services call it and fire the effects; nothing else
writes ``status``.
"""

from __future__ import annotations

from django.db import models


class InvalidMove(Exception):
    """A status change the model's table does not allow; the message says which."""


class Moves:
    """Mixin for a model with a ``status`` field with choices and a ``MOVES`` table."""

    MOVES: dict[str, frozenset[str]] = {}

    def check_move(self, to: str) -> None:
        if to not in self.MOVES.get(self.status, frozenset()):
            labels = dict(self._meta.get_field("status").choices)
            raise InvalidMove(
                f"{self._meta.verbose_name.capitalize()} {self}: "
                f"{labels.get(self.status, self.status)} cannot become {labels.get(to, to)}."
            )

    def set_status(self, to: str) -> None:
        """Check the move and set the status, unsaved: for a caller that saves it with other
        changes, or many rows at once (``bulk_update``)."""
        self.check_move(to)
        self.status = to

    def move_to(self, to: str, **fields) -> None:
        """Check the move, then save the new status with ``fields`` (name=value) in one write."""
        self.set_status(to)
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])


class MovesQuerySet(models.QuerySet):
    """``move`` for rows changed by a conditional UPDATE (compare and set), where two workers
    may race: only rows whose status the table lets become ``to`` move."""

    def move(self, to: str, **fields) -> int:
        """Move the rows the table allows to ``to`` (with ``fields``) in one UPDATE; returns
        how many moved (0 when another process moved them first, or the move is not allowed)."""
        from tasp import public_cache

        allowed_from = [before for before, after in self.model.MOVES.items() if to in after]
        moved = self.filter(status__in=allowed_from).update(status=to, **fields)
        if moved:
            public_cache.model_changed(self.model)
        return moved

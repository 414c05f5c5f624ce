"""What a send's readers did, counted per send and never per person: how many messages were
opened, and how often each link was followed (newsletters/engagement.py)."""

from __future__ import annotations

from django.db import models

from .sends import Send


class SendLink(models.Model):
    """A link in a tracked send's email, and how many times readers followed it. The redirect
    that counts a click names the send and this row, never the reader."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveIntegerField(help_text="Its order in the email, from 1.")
    url = models.TextField()
    label = models.CharField(max_length=200, blank=True, help_text="The link's text.")
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["send", "position"]
        constraints = [
            models.UniqueConstraint(fields=["send", "position"], name="one_link_per_position"),
        ]

    def __str__(self) -> str:
        return self.label or self.url


class SendOpen(models.Model):
    """One message of a tracked send opened at least once. ``code`` is the random part of the
    message's pixel address: made when the message was built and kept nowhere else, so it
    says which message was opened without saying whose. The rows' count is the send's unique
    opens; a message opened again finds its code here and is not counted twice."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="opens")
    code = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "code"], name="one_open_per_message"),
        ]

    def __str__(self) -> str:
        return f"An open of {self.send_id}"

"""Signals other apps listen to; membership sends them and imports none of its listeners."""

from django.dispatch import Signal

# Sent once when a membership becomes active (paid, or staff accepted it):
# ``membership_activated.send(sender=Membership, membership=membership)``.
membership_activated = Signal()

# Sent when the representatives of an active membership change during the year:
# ``representatives_changed.send(sender=Membership, membership=membership)``.
representatives_changed = Signal()

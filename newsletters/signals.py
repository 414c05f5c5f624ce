from django.dispatch import Signal

# Sent inside the transaction when someone confirms a subscription by its emailed link:
# ``subscription_confirmed.send(sender=Subscriber, subscriber=..., newsletters=[...], options={})``.
# ``options`` is what the requesting app asked to keep until then (vacancies: alert filters), so
# nothing a stranger types into a public form changes a subscriber before they confirm it.
subscription_confirmed = Signal()

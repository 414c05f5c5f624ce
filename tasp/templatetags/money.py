from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """£3,375.00: how the site, its emails, PDFs and the admin write an amount."""
    if value is None or value == "":
        return ""
    return f"£{Decimal(value):,.2f}"

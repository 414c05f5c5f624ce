"""Page links for a long list: the first and last pages and two either side of this one, with
an ellipsis for the rest (Django's ``Paginator.get_elided_page_range``), so a list of 500 pages
links to about ten of them."""

from django import template

register = template.Library()


@register.filter
def elided_pages(paginator, number):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)

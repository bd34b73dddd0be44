"""`{{ contract.value|money:contract.currency }}` and `{{ case.total_eur|money_eur }}`: amounts
in the active language's conventions (core.amounts). A builtin library (settings.TEMPLATES),
so no template needs to load it."""

from django import template

from core import amounts

register = template.Library()


@register.filter
def money(amount, currency):
    return amounts.money(amount, currency)


@register.filter
def money_eur(amount):
    return amounts.money_eur(amount)

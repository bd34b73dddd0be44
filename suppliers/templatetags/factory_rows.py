"""The rows of the factory lists (staff's ranking, an affiliate's supply chain), written in
Python: 50 rows of eight cells through the template engine cost more than the rest of the
page. The markup is the one the templates wrote, each value shown as `{{ value }}` shows it
(localised, escaped unless safe)."""

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.amounts import money_eur

register = template.Library()

_SENTINEL = 987654321  # a factory's key in a URL, replaced by each row's


def _text(value) -> str:
    return conditional_escape(localize(value))


def _url_maker(name: str, **kwargs):
    """reverse(name, kwargs={..., "pk": pk}) for any pk, reversing once."""
    head, tail = reverse(name, kwargs={**kwargs, "pk": _SENTINEL}).rsplit(str(_SENTINEL), 1)
    return lambda pk: conditional_escape(f"{head}{int(pk)}{tail}")


@register.simple_tag
def staff_factory_rows(factories) -> str:
    """The rows of suppliers/staff_factories.html."""
    url = _url_maker("suppliers:staff_factory")
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"""
        <tr>
          <td><a href="{url(f.pk)}">{_text(f.name)}</a></td>
          <td>{_text(f.country_name)}</td>
          <td>{_text(f.get_sector_display())}</td>
          <td>{_text(f.get_function_display())}</td>
          <td class="num">{_text(f.open_findings or 0)}</td>
          <td class="num">{_text(f.open_cases or 0)}</td>
          <td>{_text(f.affiliate_count or 0)}</td>
          <td>{_text(money_eur(f.combined_value_eur or 0))}</td>
        </tr>
      """
            for f in factories
        )
    )


@register.simple_tag
def supply_chain_rows(factories, affiliate_slug: str) -> str:
    """The rows of suppliers/supply_chain.html."""
    url = _url_maker("reports:factory_detail", affiliate_slug=affiliate_slug)
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"""
        <tr>
          <td><a href="{url(f.pk)}">{_text(f.name)}</a></td>
          <td>{_text(f.country_name)}</td>
          <td>{_text(f.get_function_display())}</td>
          <td class="num">{_text(f.open_findings or 0)}</td>
          <td class="num">{_text(f.open_cases or 0)}</td>
          <td class="num">{_text(f.other_affiliates)}</td>
        </tr>
      """
            for f in factories
        )
    )

"""The rows of the factory lists (staff's ranking, an affiliate's supply chain), written in
Python: 50 rows of eight cells through the template engine cost more than the rest of the
page. The markup is the one the templates wrote, each value shown as `{{ value }}` shows it
(localised, escaped unless safe)."""

from django import template
from django.utils.safestring import mark_safe

from core.amounts import money_eur
from core.rows import row_url, text

register = template.Library()


@register.simple_tag
def staff_factory_rows(factories) -> str:
    """The rows of suppliers/staff_factories.html."""

    def url(pk):
        return text(row_url("suppliers:staff_factory", pk))

    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"""
        <tr>
          <td><a href="{url(f.pk)}">{text(f.name)}</a></td>
          <td>{text(f.country_name)}</td>
          <td>{text(f.get_sector_display())}</td>
          <td>{text(f.get_function_display())}</td>
          <td class="num">{text(f.open_findings or 0)}</td>
          <td class="num">{text(f.open_cases or 0)}</td>
          <td>{text(f.affiliate_count or 0)}</td>
          <td>{text(money_eur(f.combined_value_eur or 0))}</td>
        </tr>
      """
            for f in factories
        )
    )


@register.simple_tag
def supply_chain_rows(factories, affiliate_slug: str) -> str:
    """The rows of suppliers/supply_chain.html."""

    def url(pk):
        return text(row_url("reports:factory_detail", pk, affiliate_slug=affiliate_slug))

    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"""
        <tr>
          <td><a href="{url(f.pk)}">{text(f.name)}</a></td>
          <td>{text(f.country_name)}</td>
          <td>{text(f.get_function_display())}</td>
          <td class="num">{text(f.open_findings or 0)}</td>
          <td class="num">{text(f.open_cases or 0)}</td>
          <td class="num">{text(f.other_affiliates)}</td>
        </tr>
      """
            for f in factories
        )
    )

"""The rows of the factory lists (staff's ranking, an affiliate's supply chain), written in
Python: 50 rows of eight cells through the template engine cost more than the rest of the
page. The markup is the one the templates wrote, each value shown as `{{ value }}` shows it
(localised, escaped unless safe)."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from core.amounts import money_eur
from core.rows import row_url, text
from suppliers.models import FactoryFunction, Sector

register = template.Library()


class _PageCells:
    """The cells of one page of rows, each value written once a page: the labels of a sector,
    a function and a country (each translated, then escaped), the counts and the amounts (each
    localised and escaped, as `{{ value }}` writes them: a page repeats few of them)."""

    def __init__(self):
        self.sectors = {value: text(label) for value, label in Sector.choices}
        self.functions = {value: text(label) for value, label in FactoryFunction.choices}
        self.countries: dict[str, str] = {}
        self.numbers: dict = {}
        self.amounts: dict = {}
        # Without grouping, Django writes an integer as str() does (numberformat.format).
        self.plain_integers = not settings.USE_THOUSAND_SEPARATOR

    def number(self, value) -> str:
        if type(value) is int and self.plain_integers:
            return str(value)
        # Keyed by type too: 1, 1.0 and True are equal keys but not written alike.
        key = (type(value), value)
        cell = self.numbers.get(key)
        if cell is None:
            cell = self.numbers[key] = text(value)
        return cell

    def amount(self, value) -> str:
        key = (type(value), value)
        cell = self.amounts.get(key)
        if cell is None:
            cell = self.amounts[key] = text(money_eur(value))
        return cell

    def country(self, factory) -> str:
        code = factory.country.code
        cell = self.countries.get(code)
        if cell is None:
            cell = self.countries[code] = text(factory.country_name)
        return cell

    def sector(self, factory) -> str:
        cell = self.sectors.get(factory.sector)
        return text(factory.get_sector_display()) if cell is None else cell

    def function(self, factory) -> str:
        cell = self.functions.get(factory.function)
        return text(factory.get_function_display()) if cell is None else cell


@register.simple_tag
def staff_factory_rows(factories) -> str:
    """The rows of suppliers/staff_factories.html."""
    cells = _PageCells()

    def url(pk):
        return text(row_url("suppliers:staff_factory", pk))

    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"""
        <tr>
          <td><a href="{url(f.pk)}">{text(f.name)}</a></td>
          <td>{cells.country(f)}</td>
          <td>{cells.sector(f)}</td>
          <td>{cells.function(f)}</td>
          <td class="num">{cells.number(f.open_findings or 0)}</td>
          <td class="num">{cells.number(f.open_cases or 0)}</td>
          <td>{cells.number(f.affiliate_count or 0)}</td>
          <td>{cells.amount(f.combined_value_eur or 0)}</td>
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

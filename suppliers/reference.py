"""The inherent risk of countries, read from the reference tables for the risk views and the
priorities: per country, its forced- and child-labour risk levels (the latest year), the status
of each ILO convention and whether it is an Alliance 8.7 pathfinder country, each figure with
its source and year. Three queries, whatever the number of countries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Convention, CountryRiskIndicator, PathfinderCountry, Ratification


@dataclass(frozen=True)
class Sourced:
    """A figure as recorded: `value` is the stored code (a level, a status), `label` its name."""

    value: str
    label: str
    source: str
    source_url: str
    year: int


@dataclass
class Profile:
    country: str
    forced_labour: Sourced | None = None
    child_labour: Sourced | None = None
    # Convention code (Convention.C29, ...) → its status; a convention with no row is unknown.
    ratifications: dict[str, Sourced] = field(default_factory=dict)
    pathfinder: Sourced | None = None

    @property
    def is_pathfinder(self) -> bool:
        return self.pathfinder is not None

    def unratified(self) -> list[str]:
        """The conventions recorded as not ratified or denounced."""
        kept = {Ratification.Status.IN_FORCE, Ratification.Status.NOT_IN_FORCE}
        return [
            code
            for code in Convention.values
            if code in self.ratifications and self.ratifications[code].value not in kept
        ]


def country_risk_profile(codes: Iterable[str]) -> dict[str, Profile]:
    """A Profile for each country code given (empty ones for countries with no figure)."""
    codes = sorted({str(code).upper() for code in codes if code})
    profiles = {code: Profile(code) for code in codes}
    if not codes:
        return profiles
    levels = CountryRiskIndicator.objects.filter(
        country__in=codes,
        indicator__in=[
            CountryRiskIndicator.Indicator.FORCED_LABOUR,
            CountryRiskIndicator.Indicator.CHILD_LABOUR,
        ],
    ).order_by("country", "indicator", "-year", "-pk")
    for figure in levels:
        profile = profiles[figure.country.code]
        attribute = figure.indicator  # "forced_labour" or "child_labour"
        if getattr(profile, attribute) is None:  # the latest year comes first
            setattr(
                profile,
                attribute,
                Sourced(
                    figure.level,
                    figure.get_level_display(),
                    figure.source,
                    figure.source_url,
                    figure.year,
                ),
            )
    for ratification in Ratification.objects.filter(country__in=codes):
        profiles[ratification.country.code].ratifications[ratification.convention] = Sourced(
            ratification.status,
            ratification.get_status_display(),
            ratification.source,
            ratification.source_url,
            ratification.year,
        )
    for pathfinder in PathfinderCountry.objects.filter(country__in=codes):
        profiles[pathfinder.country.code].pathfinder = Sourced(
            str(pathfinder.since or ""),
            pathfinder.country.name,
            pathfinder.source,
            pathfinder.source_url,
            pathfinder.year,
        )
    return profiles

"""Forms of the company performance tracker: the company's comment on a quarter, staff's
recompute and publication of a method version."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import QuickSelect

from ..models import IndicatorCode, ScoringMethod
from ..quarters import next_quarter, quarter_label, quarter_of, recent_quarters
from ..services.performance import COMMENT_MAX_LENGTH

EXPORT_FORMATS = ("csv", "xlsx")


def _quarter_choices(quarters: list[date]) -> list[tuple[str, str]]:
    return [(quarter.isoformat(), quarter_label(quarter)) for quarter in quarters]


class QuarterField(forms.TypedChoiceField):
    widget = QuickSelect  # Django's markup, written in Python (core/forms.py)

    def __init__(self, *, quarters: list[date], **kwargs):
        super().__init__(choices=_quarter_choices(quarters), coerce=date.fromisoformat, **kwargs)


class ScoreCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment on these scores"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Affiliates and Electronics Watch read it beside the scores."),
    )


class QuarterChoiceForm(forms.Form):
    """Which quarter the comparison shows (GET)."""

    def __init__(self, *args, quarters: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"] = QuarterField(quarters=quarters, label=_("Quarter"))


class RecomputeForm(forms.Form):
    """A closed quarter to (re)score; each score keeps its method."""

    def __init__(self, *args, **kwargs):
        # Its own ids: the page's quarter filter has a "quarter" field too.
        kwargs.setdefault("auto_id", "id_recompute_%s")
        super().__init__(*args, **kwargs)
        self.fields["quarter"] = QuarterField(
            quarters=recent_quarters(8), label=_("Quarter to compute again")
        )


class MethodPublishForm(forms.Form):
    """A new method version: from which future quarter, why, and each indicator's weight."""

    effective_from = forms.TypedChoiceField(
        label=_("In force from"), coerce=date.fromisoformat, choices=()
    )
    notes = forms.CharField(
        label=_("Published notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed and why: affiliates and companies read it with the scores."),
    )
    best = forms.DecimalField(
        label=_("Days to answer findings: full points at (days)"),
        min_value=0,
        max_digits=6,
        decimal_places=1,
    )
    worst = forms.DecimalField(
        label=_("Days to answer findings: no points at (days)"),
        min_value=1,
        max_digits=6,
        decimal_places=1,
    )

    def __init__(self, *args, latest: ScoringMethod, **kwargs):
        super().__init__(*args, **kwargs)
        current = quarter_of(timezone.localdate())
        upcoming = [next_quarter(current)]
        for _index in range(3):
            upcoming.append(next_quarter(upcoming[-1]))
        self.fields["effective_from"].choices = _quarter_choices(upcoming)
        weights = {indicator.code: indicator for indicator in latest.indicators.all()}
        for code, label in IndicatorCode.choices:
            self.fields[f"weight_{code}"] = forms.IntegerField(
                label=_("Weight: %(indicator)s") % {"indicator": label},
                min_value=0,
                max_value=100,
                initial=weights[code].weight if code in weights else 0,
                help_text=_("0 leaves the indicator out."),
            )
        days = weights.get(IndicatorCode.REPLY_DAYS)
        self.fields["best"].initial = days.best if days else 14
        self.fields["worst"].initial = days.worst if days else 60

    def indicators(self) -> dict[str, dict]:
        data = self.cleaned_data
        found = {code: {"weight": data[f"weight_{code}"]} for code in IndicatorCode.values}
        found[IndicatorCode.REPLY_DAYS].update(best=data["best"], worst=data["worst"])
        return found

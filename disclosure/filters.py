import django_filters
from django import forms

from disclosure.models import Item
from portal.forms import PublicFilterSet
from portal.models import Department


def year_choices(items):
    """Return the years in which items were published, newest first: a year without items
    is never offered (one query, run only when the form is drawn or checked)."""
    years = items.order_by().datetimes("published_at", "year", order="DESC")
    return [(str(moment.year), f"{moment.year}年") for moment in years]


class ItemFilter(PublicFilterSet):
    """Filters of a catalog column page; always fed Item.objects.public()."""

    department = django_filters.ModelChoiceFilter(
        label="发布机构", queryset=Department.objects.active(), empty_label="全部"
    )
    year = django_filters.ChoiceFilter(
        label="年份", choices=(), method="filter_year", empty_label="全部"
    )
    validity = django_filters.ChoiceFilter(
        label="有效性", choices=Item.Validity.choices, empty_label="全部"
    )
    document_number = django_filters.CharFilter(
        label="文号",
        lookup_expr="icontains",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "如 〔2026〕12号"}),
    )

    class Meta:
        model = Item
        fields = ["department", "year", "validity", "document_number"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # A callable: Django's ChoiceField calls it only when the choices are read.
        self.filters["year"].extra["choices"] = lambda: year_choices(self.queryset)

    def filter_year(self, queryset, name, value):
        return queryset.filter(published_at__year=int(value))

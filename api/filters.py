"""The API's filters: the public lists' own FilterSets, plus what only the API offers."""

import django_filters

from disclosure.filters import ItemFilter


class ItemApiFilter(ItemFilter):
    """The catalog column page's filters, plus "changed since" for systems that harvest."""

    updated_since = django_filters.IsoDateTimeFilter(
        label="更新时间不早于", field_name="updated_at", lookup_expr="gte"
    )

    class Meta(ItemFilter.Meta):
        fields = [*ItemFilter.Meta.fields, "updated_since"]

"""Widgets for the filter forms of public list pages, rendered in Python instead of templates.

Django renders a <select> through one template include per <option>. On a column page with the
department and year filters that was about 3 ms of a 10 ms response, the largest single cost of
the busiest pages. These widgets produce the same markup as Django's templates (same attributes,
`selected`, optgroups, escaped values and labels) with plain string building.
"""

from html import escape

from django import forms
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def _text(value):
    """Escape like conditional_escape: text already marked safe stays as it is."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _option(option):
    attrs = option["attrs"]
    if not attrs:
        extra = ""
    elif attrs == {"selected": True}:
        extra = " selected"
    else:
        extra = flatatt(attrs)
    return f'<option value="{_text(option["value"])}"{extra}>{_text(option["label"])}</option>'


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{_text(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'<optgroup label="{_text(group_name)}">')
            html.extend(_option(option) for option in options)
            if group_name:
                html.append("</optgroup>")
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 -- every value above is escaped


class QuickTextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value_attr = f' value="{_text(value)}"' if value is not None else ""
        return mark_safe(  # noqa: S308 -- every value is escaped
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{value_attr}{flatatt(widget['attrs'])}>"
        )


QUICK_WIDGETS = {forms.Select: QuickSelect, forms.TextInput: QuickTextInput}
CHOICES_CACHE_SECONDS = 600


def active_department_choices():
    """Return [(id, name)] of the active departments, from the cache under the content version
    (a department's change moves it on, portal.signals)."""
    from .models import Department
    from .pagecache import content_version

    key = f"department-choices:{content_version()}"
    choices = cache.get(key)
    if choices is None:
        choices = list(Department.objects.active().values_list("pk", "name"))
        cache.set(key, choices, CHOICES_CACHE_SECONDS)
    return choices


class CachedDepartmentIterator(ModelChoiceIterator):
    """The options of a department select without a query (validation still checks the row)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in active_department_choices():
            yield (ModelChoiceIteratorValue(pk, None), name)

    def __len__(self):
        return len(active_department_choices()) + (self.field.empty_label is not None)


def use_quick_widgets(form):
    """Render the plain selects and text inputs of a public form with the widgets above, and
    take the active departments' options from the cache."""
    from .models import Department

    form.label_suffix = "："  # the full-width colon of Chinese labels
    for field in form.fields.values():
        quick = QUICK_WIDGETS.get(type(field.widget))
        if quick:
            field.widget.__class__ = quick
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model is Department:
            field.iterator = CachedDepartmentIterator
            field.widget.choices = field.choices
    return form

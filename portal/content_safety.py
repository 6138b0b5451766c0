"""The 错敏字 / banned-word / spam scanner: text in, findings out.

The word lists live in `SensitiveTerm` (edited in the admin). The scanner normalises the text
before matching, so spam typed as full-width letters, split by spaces, punctuation or zero-width
characters is still found, and maps every hit back to its place in the original text:

- every character goes through NFKC and casefold; format characters (zero-width spaces and joiners)
  are dropped;
- spam and prohibited words and URL patterns are matched against a compact form that also drops
  whitespace, punctuation and symbols ("澳 门-赌.场", "ｂｅｔ３６５．ｃｏｍ");
- misspellings, institution names and leaders' names are matched against the normalised text only,
  because words of official writing legitimately meet at punctuation.

Apps opt in with `register(model, fields=[...], published=...)` from their AppConfig.ready(); the
workflow (portal.publishing) scans a record's public fields before submission and approval, and
`manage.py scan_content` scans every published row of every registered model.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags

BLOCKING = "block"
WARNING = "warn"
SEVERITY_LABELS = {BLOCKING: "阻断", WARNING: "警告"}

PROHIBITED = "prohibited"
SPAM = "spam"
MISSPELLING = "misspelling"
INSTITUTION_NAME = "institution_name"
LEADER_NAME = "leader_name"
# Categories whose words are matched with separators stripped (the shape of injected spam).
COMPACT_CATEGORIES = {PROHIBITED, SPAM}

CONTEXT_CHARS = 12
CACHE_KEY = "content_safety:terms"


@dataclass(frozen=True)
class Term:
    """One word-list entry as the scanner sees it (a SensitiveTerm row, or built in tests)."""

    term: str
    category: str
    severity: str
    suggestion: str = ""
    note: str = ""
    is_pattern: bool = False


@dataclass(frozen=True)
class Finding:
    """One hit: where it is in the original text, how bad it is, and what to write instead."""

    term: str
    category: str
    severity: str
    start: int
    end: int
    line: int
    column: int
    matched: str
    context: str
    suggestion: str = ""
    note: str = ""
    field: str = ""
    field_label: str = ""
    # The context split around the hit, for highlighting: (before, hit, after).
    context_parts: tuple = ("", "", "")

    @property
    def is_blocking(self):
        return self.severity == BLOCKING

    @property
    def severity_label(self):
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def place(self):
        """Return where the hit is, as 标题 第1行第5列."""
        where = f"第{self.line}行第{self.column}列"
        return f"{self.field_label} {where}" if self.field_label else where

    def describe(self):
        """Return one line for error messages and the admin."""
        text = f"{self.place}：“{self.matched}”（{self.severity_label}：{self.note or self.term}）"
        if self.suggestion:
            text += f"，应为“{self.suggestion}”"
        return text + f"，上下文：…{self.context}…"


# Normalisation ------------------------------------------------------------------------------
def _is_separator(char):
    """Return whether a normalised character may be stripped when matching spam."""
    category = unicodedata.category(char)
    return category[0] in {"Z", "P", "S", "C"} or char.isspace()


def normalise(text):
    """Return (normalised, compact, normalised_map, compact_map).

    The maps give, for each character of the normalised and compact strings, the index of the
    original character it came from.
    """
    normal, normal_map, compact, compact_map = [], [], [], []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":  # zero-width space/joiner, BOM, soft hyphen
            continue
        for piece in unicodedata.normalize("NFKC", char).casefold():
            normal.append(piece)
            normal_map.append(index)
            if not _is_separator(piece):
                compact.append(piece)
                compact_map.append(index)
    return "".join(normal), "".join(compact), normal_map, compact_map


def normalise_term(term, *, compact):
    normal, compact_text, _, _ = normalise(term)
    return compact_text if compact else normal


def text_from_html(value):
    """Return the visible text of sanitised HTML, one line per block element."""
    value = re.sub(r"(?i)<br\s*/?>|</(p|li|h[1-6]|div|tr|blockquote|pre)>", "\n", value or "")
    return html.unescape(strip_tags(value))


# Scanner ------------------------------------------------------------------------------------
class Scanner:
    """Match a fixed list of terms; build once per word list, scan many texts."""

    def __init__(self, terms):
        self.terms = list(terms)
        self._normal = self._compile(
            [t for t in self.terms if t.category not in COMPACT_CATEGORIES]
        )
        self._compact = self._compile(
            [t for t in self.terms if t.category in COMPACT_CATEGORIES], compact=True
        )

    @staticmethod
    def _compile(terms, *, compact=False):
        words, patterns = {}, []
        for term in terms:
            if term.is_pattern:
                try:
                    patterns.append((re.compile(term.term, re.IGNORECASE), term))
                except re.error:
                    continue  # the admin form validates patterns; never fail a scan on one
                continue
            key = normalise_term(term.term, compact=compact)
            # The first entry of a word wins; a blocking entry outranks a warning.
            if key and (key not in words or term.severity == BLOCKING):
                words[key] = term
        regex = None
        if words:
            alternatives = sorted(words, key=len, reverse=True)
            regex = re.compile("|".join(re.escape(word) for word in alternatives))
        return regex, words, patterns

    def scan(self, text, *, field="", field_label=""):
        """Return the findings in text, in order of position."""
        text = text or ""
        if not text.strip():
            return []
        normal, compact, normal_map, compact_map = normalise(text)
        hits = []
        for (regex, words, patterns), haystack, mapping in [
            (self._normal, normal, normal_map),
            (self._compact, compact, compact_map),
        ]:
            if regex is not None:
                for match in regex.finditer(haystack):
                    hits.append((match.start(), match.end(), mapping, words[match.group()]))
            for pattern, term in patterns:
                for match in pattern.finditer(haystack):
                    if match.end() > match.start():
                        hits.append((match.start(), match.end(), mapping, term))
        findings = {}
        for start, end, mapping, term in hits:
            finding = self._finding(text, mapping[start], mapping[end - 1] + 1, term)
            # Words come before patterns, so a span hit by both keeps the word's entry.
            findings.setdefault((finding.start, finding.end), finding)
        # A hit inside a longer one ("bet365" inside "bet365.com") says nothing new.
        spans = list(findings)
        result = sorted(
            (
                f
                for (start, end), f in findings.items()
                if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
            ),
            key=lambda f: (f.start, f.end),
        )
        if field or field_label:
            result = [replace(f, field=field, field_label=field_label) for f in result]
        return result

    @staticmethod
    def _finding(text, start, end, term):
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        before = text[max(0, start - CONTEXT_CHARS) : start]
        after = text[end : end + CONTEXT_CHARS]
        before, matched, after = (
            re.sub(r"\s+", " ", part) for part in (before, text[start:end], after)
        )
        return Finding(
            # A pattern's text is a regex: show what it matched instead.
            term=text[start:end] if term.is_pattern else term.term,
            category=term.category,
            severity=term.severity,
            start=start,
            end=end,
            line=line,
            column=column,
            matched=text[start:end],
            context=f"{before}{matched}{after}",
            suggestion=term.suggestion,
            note=term.note,
            context_parts=(before, matched, after),
        )


@lru_cache(maxsize=4)
def _scanner_for(terms):
    return Scanner(terms)


def active_terms():
    """Return the active word list as a tuple of Terms (cached until an entry changes)."""
    from django.core.cache import cache

    terms = cache.get(CACHE_KEY)
    if terms is None:
        from .models import SensitiveTerm

        terms = tuple(
            Term(row.term, row.category, row.severity, row.suggestion, row.note, row.is_pattern)
            for row in SensitiveTerm.objects.active().order_by("pk")
        )
        cache.set(CACHE_KEY, terms, 600)
    return terms


def get_scanner():
    """Return the scanner for the current word list."""
    return _scanner_for(active_terms())


def scan_text(text, **kwargs):
    """Return the findings of the current word list in plain text."""
    return get_scanner().scan(text, **kwargs)


def _clear_terms_cache(sender, **kwargs):
    from django.core.cache import cache

    cache.delete(CACHE_KEY)


post_save.connect(_clear_terms_cache, sender="portal.SensitiveTerm", dispatch_uid="cs-terms-save")
post_delete.connect(_clear_terms_cache, sender="portal.SensitiveTerm", dispatch_uid="cs-terms-del")


# Registration of models with public text -----------------------------------------------------
@dataclass(frozen=True)
class Registration:
    model: type
    fields: tuple
    html_fields: frozenset
    published: object  # callable(QuerySet) -> QuerySet of rows the public sees


_registry = {}


def register(model, *, fields, published, html_fields=()):
    """Declare a model's public text fields and how to find its published rows.

    Called from the app's AppConfig.ready(); html_fields are scanned as their visible text.
    """
    _registry[model] = Registration(model, tuple(fields), frozenset(html_fields), published)


def registrations():
    """Return every registration, in a stable order."""
    return sorted(_registry.values(), key=lambda r: r.model._meta.label)


def registration_for(model):
    for klass in model.__mro__:
        if klass in _registry:
            return _registry[klass]
    return None


def registered_fields(model):
    """Return the registered public text fields of a model (empty when it did not opt in)."""
    registration = registration_for(model)
    return list(registration.fields) if registration else []


def default_text_fields(model):
    """Return a model's editable free-text fields: what is scanned when it did not register."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
    ]


def is_html_field(model, name):
    registration = registration_for(model)
    if registration is not None:
        return name in registration.html_fields
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    # Rich-text fields (django-prose-editor) store sanitised HTML.
    return any(klass.__name__ == "ProseEditorField" for klass in type(field).__mro__)


def scan_targets():
    """Return what scan_content scans: every registration, plus every workflow model
    (portal.publishing.Reviewable) that did not register, over its default text fields."""
    from django.apps import apps

    from .publishing import Reviewable

    targets = registrations()
    for model in apps.get_models():
        if issubclass(model, Reviewable) and registration_for(model) is None:
            fields = default_text_fields(model)
            html = frozenset(name for name in fields if is_html_field(model, name))
            targets.append(Registration(model, tuple(fields), html, lambda rows: rows.published()))
    return targets


def field_text(obj, name):
    """Return the text of one field as the public reads it (HTML reduced to its text)."""
    value = getattr(obj, name, "") or ""
    if is_html_field(type(obj), name):
        return text_from_html(str(value))
    return str(value)


def scan_object(obj, fields=None):
    """Return the findings in a record's public text fields."""
    if fields is None:
        fields = registered_fields(type(obj)) or default_text_fields(type(obj))
    scanner = get_scanner()
    findings = []
    for name in fields:
        try:
            label = str(obj._meta.get_field(name).verbose_name)
        except Exception:  # a property rather than a model field
            label = name
        findings += scanner.scan(field_text(obj, name), field=name, field_label=label)
    return findings


def check_blocking(obj, fields=None):
    """Raise ValidationError (code blocked_content) listing every blocking hit in the record."""
    raise_for_blocking(scan_object(obj, fields))


def raise_for_blocking(findings):
    """Raise ValidationError (code blocked_content) listing the blocking ones among findings."""
    blocking = [f for f in findings if f.is_blocking]
    if blocking:
        error = ValidationError(
            "内容安全检查未通过，请修改以下内容后再提交：\n"
            + "\n".join(f"{n}. {f.describe()}" for n, f in enumerate(blocking, 1)),
            code="blocked_content",
        )
        error.findings = blocking  # for callers that want to highlight the places
        raise error


def check_text(text, *, field="", field_label=""):
    """Raise ValidationError (code blocked_content) if one piece of text has a blocking hit
    (text about to be stored by a transition, such as a reply)."""
    raise_for_blocking(get_scanner().scan(text or "", field=field, field_label=field_label))


def validate(obj, fields=None):
    """Model.clean() hook: raise ValidationError keyed by field for every blocking hit in the
    record's public text, so admin forms, inlines and imports show it on the field concerned.

    For records edited straight into public view (departments, leaders, 办件公示 results, guide
    materials and steps); workflow records are checked at submission and approval instead."""
    errors = {}
    for finding in scan_object(obj, fields):
        if finding.is_blocking:
            errors.setdefault(finding.field, []).append(
                ValidationError(
                    "内容安全检查未通过：%(finding)s",
                    code="blocked_content",
                    params={"finding": finding.describe()},
                )
            )
    if errors:
        raise ValidationError(errors)

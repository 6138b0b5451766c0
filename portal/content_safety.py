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

A model with public text says which of its fields the public reads, the way it says where it lives
(`get_absolute_url()`): a class attribute `public_text_fields`, a tuple of field names (the
finding names each field by its verbose_name). Everything that scans a record reads that one
declaration, through `scan_object()`: the workflow (portal.publishing) before submission and
approval, a message's approval, the `clean()` of records edited straight into public view
(`validate()`), the admin's 内容安全检查 panel, and `manage.py scan_content` over the public rows
of every declaring model (`public_rows()`).

The API: `scan_text()` and `scan_object()` return findings, `raise_for_blocking()` stops a
transition on a blocking one, `validate()` is the `clean()` hook.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
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


def _normalise(text):
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


def _normalise_term(term, *, compact):
    normal, compact_text, _, _ = _normalise(term)
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
            key = _normalise_term(term.term, compact=compact)
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
        normal, compact, normal_map, compact_map = _normalise(text)
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


def _active_terms():
    """Return the active word list as a tuple of Terms (cached until an entry changes)."""
    terms = cache.get(CACHE_KEY)
    if terms is None:
        from .models import SensitiveTerm

        terms = tuple(
            Term(row.term, row.category, row.severity, row.suggestion, row.note, row.is_pattern)
            for row in SensitiveTerm.objects.active().order_by("pk")
        )
        cache.set(CACHE_KEY, terms, 600)
    return terms


def _scanner():
    """Return the scanner for the current word list."""
    return _scanner_for(_active_terms())


def scan_text(text, *, field="", field_label=""):
    """Return the findings of the current word list in plain text."""
    return _scanner().scan(text, field=field, field_label=field_label)


def _clear_terms_cache(sender, **kwargs):
    cache.delete(CACHE_KEY)


post_save.connect(_clear_terms_cache, sender="portal.SensitiveTerm", dispatch_uid="cs-terms-save")
post_delete.connect(_clear_terms_cache, sender="portal.SensitiveTerm", dispatch_uid="cs-terms-del")


# Models with public text ----------------------------------------------------------------------
def public_text_models():
    """Return every model that declares public_text_fields, in a stable order (proxies left out)."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if hasattr(model, "public_text_fields") and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


def public_rows(model):
    """Return the rows of model whose text the public reads, for the nightly scan.

    A model whose rows go public through a workflow names them with its QuerySet's public();
    the rows of any other model (departments, columns, site settings) are public once saved.
    """
    rows = model._default_manager.all()
    return rows.public() if hasattr(rows, "public") else rows


def _is_html_field(model, name):
    # Rich-text fields (django-prose-editor) store sanitised HTML: scan what the reader sees.
    field = model._meta.get_field(name)
    return any(klass.__name__ == "ProseEditorField" for klass in type(field).__mro__)


def scan_object(obj):
    """Return the findings in a record's public text: the fields its model declares."""
    model = type(obj)
    scanner = _scanner()
    findings = []
    for name in model.public_text_fields:
        text = str(getattr(obj, name) or "")
        if _is_html_field(model, name):
            text = text_from_html(text)
        label = str(model._meta.get_field(name).verbose_name)
        findings += scanner.scan(text, field=name, field_label=label)
    return findings


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


def validate(obj):
    """Model.clean() hook: raise ValidationError keyed by field for every blocking hit in the
    record's public text, so admin forms, inlines and imports show it on the field concerned.

    For records edited straight into public view (departments, leaders, 办件公示 results, guide
    materials and steps); workflow records are checked at submission and approval instead."""
    errors = {}
    for finding in scan_object(obj):
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

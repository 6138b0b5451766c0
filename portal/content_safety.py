"""The 错敏字 / banned-word / spam scanner: text in, findings out.

The word lists live in `SensitiveTerm` (edited in the admin, seeded from portal/data/). The text
is normalised in one place, `normalise()`, and every hit is mapped back to its place in the
original text:

- each character is folded: traditional → simplified (OpenCC's character table), look-alike
  letters of other scripts (Cyrillic "с", Greek "ο") and enclosed or circled digits and letters
  ("①", "❽", "ⓑ") → their Latin/ASCII form, then NFKC and casefold; format characters (zero-width
  spaces and joiners) are dropped;
- spam and prohibited words are matched against a compact form that also drops whitespace,
  punctuation and symbols ("澳 门-赌.场", "ｂｅｔ３６５．ｃｏｍ"), and against a pinyin view of it
  (pypinyin's readings), so "bo cai" and "百jia乐" are found as 博彩 and 百家乐;
- misspellings, institution names and leaders' names are matched against the normalised text only,
  because words of official writing legitimately meet at punctuation.

Spam is reported as runs, not words: the suspicious tokens (spam and prohibited words, brands with
digits or a sports word, domains carrying a brand whatever their TLD, bonus phrases, QQ/WeChat
bait, and the words around them) are joined across short gaps into one finding covering the whole
run, so deleting one word never leaves the rest of an injection clean.

Names are checked by near-miss: a run within one character of the bureau's name, a department's,
a superior body's (SensitiveTerm entries of kind "name") or a leader's ("局长张建华"), of four
characters or more, that is not itself a known name, is a warning suggesting the correct form.

Personal data (18-digit ID numbers with a valid check digit, mobile numbers, bank card numbers
passing Luhn) is a warning in any text; `scan_publication()` makes it blocking on the records
published through the review workflow (catalog items, service guides) and their attachments,
unless the 审核员 recorded a reason (a resolved `ContentFinding` with the reason).

A model with public text says which of its fields the public reads: a class attribute
`public_text_fields`, a tuple of field names. Everything that scans a record reads that one
declaration, through `scan_object()`.

The API: `scan_text()`, `scan_object()`, `scan_publication()` and `scan_attachment()` return
findings, `raise_for_blocking()` stops a transition on a blocking one, `validate()` is the
`clean()` hook, `public_text_models()`/`public_rows()` feed the nightly scan.
"""

import copy
import hashlib
import html
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import chain, compress, repeat
from pathlib import Path

import ahocorasick
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
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
PERSONAL_DATA = "personal_data"
# Categories whose words are matched with separators stripped (the shape of injected spam).
COMPACT_CATEGORIES = {PROHIBITED, SPAM}

# Kinds of entry (SensitiveTerm.Kind).
WORD = "word"
PATTERN = "pattern"
BRAND = "brand"
CONTEXT = "context"
NAME = "name"

CONTEXT_CHARS = 12
VERSION_KEY = "content_safety:version"
# Suspicious tokens at most this many original characters apart belong to one run.
RUN_GAP = 8
RUN_NOTE = "疑似被植入的赌博、色情或诈骗信息（整段删除）"
MIN_NAME_LENGTH = 4
MIN_PINYIN_LETTERS = 5


@dataclass(frozen=True)
class Term:
    """One word-list entry as the scanner sees it (a SensitiveTerm row, or built in tests)."""

    term: str
    category: str
    severity: str
    suggestion: str = ""
    note: str = ""
    kind: str = WORD


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
    # Where inside a file the hit is (工作表“名册”单元格C3, 第2页); empty for a field's text.
    location: str = ""
    # (content type id, primary key) of the row or attachment holding the text, set by
    # scan_publication() so the 审核员 can record a reason for publishing personal data there.
    source: tuple = ()

    @property
    def is_blocking(self):
        return self.severity == BLOCKING

    @property
    def severity_label(self):
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def place(self):
        """Return where the hit is, as 标题 第1行第5列 or 附件“名册.xlsx” 工作表“Sheet1”单元格C3."""
        where = self.location or f"第{self.line}行第{self.column}列"
        return f"{self.field_label} {where}" if self.field_label else where

    def describe(self):
        """Return one line for error messages and the admin."""
        text = f"{self.place}：“{self.matched}”（{self.severity_label}：{self.note or self.term}）"
        if self.suggestion:
            text += f"，应为“{self.suggestion}”"
        return text + f"，上下文：…{self.context}…"


# Normalisation: the one place ---------------------------------------------------------------
def _t2s_table():
    """Return OpenCC's traditional → simplified character table (its first candidate)."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            table[source] = targets.split()[0]
    return table


# Latin look-alikes from Cyrillic and Greek (folded before NFKC, so capitals are covered too).
HOMOGLYPHS = dict(
    zip(
        "АВСЕНІЈКМОРЅТХУаеорсхуіјѕԁԛԝһвкмнтгпАΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχωγɑɡ",
        "abcehijkmopstxyaeopcxyijsdqwhbkmhtrnabezhikmnoptyxabeiknoptuxwyag",
        strict=True,
    )
)


def _enclosed_alphanumerics():
    """Return the circled/negative-circled digits and letters NFKC leaves alone."""
    table = {}
    for first, values in [
        (0x2776, range(1, 11)),  # ❶-❿
        (0x2780, range(1, 11)),  # ➀-➉
        (0x278A, range(1, 11)),  # ➊-➓
        (0x24EB, range(11, 21)),  # ⓫-⓴
        (0x24F5, range(1, 11)),  # ⓵-⓾
    ]:
        for offset, value in enumerate(values):
            table[chr(first + offset)] = str(value)
    table["⓿"] = "0"
    table["🄋"] = table["🄌"] = "0"
    for first in (0x1F150, 0x1F170):  # 🅐-🅩, 🅰-🆉
        for offset in range(26):
            table[chr(first + offset)] = chr(ord("a") + offset)
    return table


def _is_separator(char):
    """Return whether a normalised character may be stripped when matching spam."""
    category = unicodedata.category(char)
    return category[0] in {"Z", "P", "S", "C"} or char.isspace()


class _Memo(dict):
    """A dict that computes a missing value once (for str.translate and map())."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


class _Folder:
    """Fold characters, memoised, so a whole text folds with str.translate() in C."""

    def __init__(self):
        self.t2s = _t2s_table()
        self.extra = {**HOMOGLYPHS, **_enclosed_alphanumerics()}
        # ord -> normal form, for str.translate(); chars whose form is not exactly one char.
        self.table = _Memo(lambda code: self._fold(chr(code)))
        self.irregular = set()
        # normal char -> whether it stays in the compact view; whether it stays in a domain.
        self.kept = _Memo(lambda char: not _is_separator(char))
        self.kept_in_domain = _Memo(
            lambda char: not char.isspace() and (not _is_separator(char) or char in ".-")
        )

    def _fold(self, original):
        if unicodedata.category(original) == "Cf":  # zero-width space/joiner, BOM, soft hyphen
            normal = ""
        else:
            char = self.extra.get(original, original)
            char = self.t2s.get(char, char)
            normal = "".join(
                self.extra.get(piece, self.t2s.get(piece, piece))
                for piece in unicodedata.normalize("NFKC", char).casefold()
            )
        if len(normal) != 1:
            self.irregular.add(original)
        return normal


_folder = None


def _get_folder():
    global _folder
    if _folder is None:
        _folder = _Folder()
    return _folder


@dataclass
class Normalised:
    """A text's views for matching; each map gives a view character's index in the original."""

    normal: str
    normal_map: Sequence
    compact: str
    compact_map: Sequence


def normalise(text):
    """Return the Normalised views of text (the one place text is normalised)."""
    folder = _get_folder()
    chars = set(text)
    for char in chars:
        folder.table[ord(char)]  # fold what this text brings that no text brought before
    normal = text.translate(folder.table)
    if folder.irregular.isdisjoint(chars):
        normal_map = range(len(text))
    else:
        table = folder.table
        normal_map = list(
            chain.from_iterable(
                repeat(index, len(table[ord(char)])) for index, char in enumerate(text)
            )
        )
    flags = list(map(folder.kept.__getitem__, normal))
    compact = "".join(compress(normal, flags))
    return Normalised(normal, normal_map, compact, list(compress(normal_map, flags)))


def _normalise_term(term, *, compact):
    views = normalise(term)
    return views.compact if compact else views.normal


_pinyin_table = None


def _pinyin_of(char):
    """Return the toneless pinyin of a Han character (its first reading), or ""."""
    global _pinyin_table
    if _pinyin_table is None:
        from pypinyin.pinyin_dict import pinyin_dict

        _pinyin_table = {}
        for codepoint, readings in pinyin_dict.items():
            reading = unicodedata.normalize("NFD", readings.split(",")[0])
            _pinyin_table[chr(codepoint)] = "".join(c for c in reading if "a" <= c <= "z")
    return _pinyin_table.get(char, "")


def _term_pinyins(term):
    """Return the pinyin spellings of a Han term: the phrase reading and the first readings."""
    from pypinyin import Style, lazy_pinyin

    if not all("\u4e00" <= char <= "\u9fff" for char in term):
        return set()
    spellings = {"".join(lazy_pinyin(term, style=Style.NORMAL, v_to_u=False)).replace("ü", "v")}
    spellings.add("".join(_pinyin_of(char) for char in term))
    return {s for s in spellings if len(s) >= MIN_PINYIN_LETTERS and s.isascii() and s.isalpha()}


def _pinyin_view(compact):
    """Return (view, starts, ends): Han characters of the compact text spelled out in pinyin.

    starts/ends say, for each view character, the compact index it came from and whether a
    compact character starts or ends there, so matches can be kept to whole characters."""
    pieces = [_pinyin_of(char) or char for char in compact]
    view, owner = [], []
    for index, piece in enumerate(pieces):
        view.append(piece)
        owner.extend([index] * len(piece))
    return "".join(view), owner


def text_from_html(value):
    """Return the visible text of sanitised HTML, one line per block element."""
    value = re.sub(r"(?i)<br\s*/?>|</(p|li|h[1-6]|div|tr|blockquote|pre)>", "\n", value or "")
    return html.unescape(strip_tags(value))


# Personal data ------------------------------------------------------------------------------
ID_NUMBER = re.compile(
    r"(?<![0-9a-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9x](?![0-9a-z])"
)
MOBILE_NUMBER = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
CARD_NUMBER = re.compile(r"(?<![0-9])[3-6][0-9]{3}(?:[ -]?[0-9]{1,4}){3,4}(?![0-9])")
# Personal data is looked for only in runs of digits (with spaces, hyphens, an x) long enough.
DIGIT_RUN = re.compile(r"[0-9][0-9x -]{9,}[0-9x]")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def is_valid_id_number(number):
    """Return whether an 18-character 居民身份证号码 has a valid check character (GB 11643)."""
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, ID_WEIGHTS, strict=False))
    return "10x98765432"[total % 11] == number[17]


def passes_luhn(number):
    """Return whether a card number passes the Luhn check."""
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _personal_data_hits(normal):
    """Return (start, end, Term) in the normal view for ID, mobile and bank card numbers."""
    hits = []
    for run in DIGIT_RUN.finditer(normal):
        offset, text, taken = run.start(), run.group(), []
        for match in ID_NUMBER.finditer(text):
            if is_valid_id_number(match.group()):
                taken.append((match.start(), match.end(), ID_TERM))
        for match in CARD_NUMBER.finditer(text):
            digits = re.sub(r"[ -]", "", match.group())
            overlaps = any(s < match.end() and match.start() < e for s, e, _ in taken)
            if 16 <= len(digits) <= 19 and not overlaps and passes_luhn(digits):
                taken.append((match.start(), match.end(), CARD_TERM))
        for match in MOBILE_NUMBER.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e, _ in taken):
                taken.append((match.start(), match.end(), MOBILE_TERM))
        hits += [(offset + s, offset + e, term) for s, e, term in taken]
    return hits


_PD_NOTE = "公开前应删除或隐去（如 3201**********1234）；确需公开的由审核员记录理由"
ID_TERM = Term("身份证号码", PERSONAL_DATA, WARNING, "", "完整的身份证号码：" + _PD_NOTE)
MOBILE_TERM = Term("手机号码", PERSONAL_DATA, WARNING, "", "个人手机号码：" + _PD_NOTE)
CARD_TERM = Term("银行卡号", PERSONAL_DATA, WARNING, "", "银行卡号：" + _PD_NOTE)


# Names by near-miss -------------------------------------------------------------------------
def _is_han(text):
    return all("\u4e00" <= char <= "\u9fff" for char in text)


def _one_inner_edit(window, name):
    """Return whether window is one substitution, insertion or deletion inside the name.

    Edits at either end are left alone: there the text just runs on ("自然资源执法" is no slip
    of 自然资源部) or names another level or body ("县人民政府", "市自然资源局")."""
    size, length = len(window), len(name)
    if window[0] != name[0] or window[-1] != name[-1]:
        return False
    if size == length:
        return sum(a != b for a, b in zip(window, name, strict=True)) == 1
    if size == length - 1:
        return any(window == name[:i] + name[i + 1 :] for i in range(1, length - 1))
    if size == length + 1:
        return any(name == window[:i] + window[i + 1 :] for i in range(1, size - 1))
    return False


class NameIndex:
    """Find near-misses of known names: the halves of each name are found with one automaton
    (one edit leaves one half intact), and only windows of the name's length ±1 next to a half
    are compared."""

    def __init__(self, names):
        # names: normalised name -> (category, display form)
        self.names = {n: v for n, v in names.items() if len(n) >= MIN_NAME_LENGTH and _is_han(n)}
        self.halves = None
        if self.names:
            self.halves = ahocorasick.Automaton()
            entries = {}
            for name in self.names:
                middle = len(name) // 2
                entries.setdefault(name[:middle], []).append((name, True))
                entries.setdefault(name[middle:], []).append((name, False))
            for key, value in entries.items():
                self.halves.add_word(key, (len(key), value))
            self.halves.make_automaton()

    def scan(self, normal):
        """Return (start, end, Term) in the normal view for each near-miss."""
        if self.halves is None:
            return []
        windows = set()
        for last, (size, entries) in self.halves.iter(normal):
            start = last - size + 1
            for name, is_prefix in entries:
                for width in (len(name) - 1, len(name), len(name) + 1):
                    begin = start if is_prefix else last + 1 - width
                    if begin >= 0 and begin + width <= len(normal):
                        windows.add((begin, begin + width, name))
        exact = [(begin, end) for begin, end, name in windows if normal[begin:end] == name]
        hits, seen = [], set()
        for begin, end, name in sorted(windows):
            # Cheapest tests first: a near-miss keeps the name's first and last characters.
            if normal[begin] != name[0] or normal[end - 1] != name[-1]:
                continue
            window = normal[begin:end]
            if window in self.names or not _is_han(window) or not _one_inner_edit(window, name):
                continue
            if any(s <= begin < e or s < end <= e or begin <= s < e <= end for s, e in exact):
                continue  # part of a correctly written name, or a correct name inside it
            if (begin, end) in seen:
                continue
            seen.add((begin, end))
            category, display = self.names[name]
            note = f"与“{display}”仅差一字，请核对名称"
            hits.append((begin, end, Term(window, category, WARNING, display, note)))
        return hits


# Scanner ------------------------------------------------------------------------------------
SPORT_WORDS = "体育|娱乐|棋牌|真人|电竞|彩票|官网|网址|开户|app|赌场|网投|视讯|电子游艺"
UNIT_AFTER_DIGITS = "年月日号届期个万元亿米亩平方栋层户人次项件条"
SPORT_AFTER = re.compile(f"(?:{SPORT_WORDS})")
DIGITS_AFTER = re.compile(f"[0-9]{{2,}}(?![0-9{UNIT_AFTER_DIGITS}])")
LATIN_RUN = re.compile(r"[a-z]+")
DOMAIN = re.compile(
    r"(?<![a-z0-9-])(?:[a-z0-9](?:[a-z0-9-]{0,61})\.)+[a-z][a-z0-9-]{1,14}(?![a-z0-9-])"
)
DOT_LIKE = "。．点丶·"
# A stretch of normal text that may hold a domain: Latin letters and digits with dots (or what
# spammers write for one), spaces, colons and slashes between them.
DOMAIN_CANDIDATE = re.compile(
    r"[a-z0-9][a-z0-9\s.。．点丶·:/-]*[.。．点丶·][a-z0-9\s.。．点丶·:/-]*[a-z]"
)


def _compile_pattern(text):
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error:
        return None  # the admin form validates patterns; never fail a scan on one


def _automaton(words):
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for key, term in words.items():
        automaton.add_word(key, (len(key), term))
    automaton.make_automaton()
    return automaton


def _add_word(words, key, term):
    # The first entry of a word wins; a blocking entry outranks a warning.
    if key and (key not in words or (term.is_blocking_term and not words[key].is_blocking_term)):
        words[key] = term


class _Entry:
    """A term with its blocking flag precomputed (automaton values)."""

    __slots__ = ("term", "is_blocking_term")

    def __init__(self, term):
        self.term = term
        self.is_blocking_term = term.severity == BLOCKING


class Scanner:
    """Match a fixed list of terms and known names; build once per word list, scan many texts."""

    def __init__(self, terms, names=()):
        self.terms = list(terms)
        normal_words, compact_words, pinyin_words, correct_words = {}, {}, {}, {}
        self.normal_patterns, self.compact_patterns = [], []
        brands = []
        known = {}
        for term in self.terms:
            if term.kind == NAME:
                known[_normalise_term(term.term, compact=False)] = (term.category, term.term)
                continue
            if term.category in (INSTITUTION_NAME, LEADER_NAME) and term.suggestion:
                known[_normalise_term(term.suggestion, compact=False)] = (
                    term.category,
                    term.suggestion,
                )
            compact = term.category in COMPACT_CATEGORIES
            if term.kind == PATTERN:
                if (pattern := _compile_pattern(term.term)) is not None:
                    target = self.compact_patterns if compact else self.normal_patterns
                    target.append((pattern, term))
                continue
            key = _normalise_term(term.term, compact=compact)
            if term.kind == BRAND:
                brands.append((key, term))
                continue
            entry = _Entry(term)
            _add_word(compact_words if compact else normal_words, key, entry)
            if compact and term.severity == BLOCKING:
                for spelling in _term_pinyins(key):
                    _add_word(pinyin_words, spelling, entry)
            if term.category == MISSPELLING and term.suggestion:
                correct = _normalise_term(term.suggestion, compact=False)
                correct_words.setdefault(correct, correct)
        self._known_from_terms = dict(known)
        for name, value in names:
            known.setdefault(_normalise_term(name, compact=False), value)
        # A misspelling inside a correctly written word ("截止" in "截止日期") is no misspelling.
        self._normal = _automaton(normal_words)
        self._compact = _automaton(compact_words)
        self._pinyin = _automaton(pinyin_words)
        self._pinyin_length = max(map(len, pinyin_words), default=0)
        self._correct = _automaton({key: key for key in correct_words})
        self._correct_length = max(map(len, correct_words), default=0)
        self._brands = self._brand_patterns(brands)
        self.names = NameIndex(known)

    def with_names(self, names):
        """Return this scanner with other known names (the word list's automata are shared)."""
        scanner = copy.copy(self)
        known = dict(self._known_from_terms)
        for name, value in names:
            known.setdefault(_normalise_term(name, compact=False), value)
        scanner.names = NameIndex(known)
        return scanner

    @staticmethod
    def _brand_patterns(brands):
        """Return (automaton of brands, pattern of a domain name carrying a Latin brand)."""
        if not brands:
            return None
        # In a domain a short Latin brand counts only next to digits ("bet365", "hg0088") and one
        # of four letters also at a label's start, so "alphabet.com" is no betting site.
        latin = sorted({key for key, _ in brands if key.isascii()}, key=len, reverse=True)
        parts = [re.escape(b) for b in latin if len(b) >= 5]
        short = "|".join(re.escape(b) for b in latin if len(b) < 5)
        if short:
            parts += [rf"[0-9](?:{short})", rf"(?:{short})[0-9]"]
        medium = "|".join(re.escape(b) for b in latin if len(b) == 4)
        if medium:
            parts.append(rf"(?:^|\.)(?:{medium})")
        domain_brand = re.compile("|".join(parts)) if parts else None
        return _automaton({key: _Entry(term) for key, term in brands}), domain_brand

    def _brand_tokens(self, compact):
        """Brands with digits before or after ("葡京8455", "3983威尼斯人") or a sports or
        gaming word after ("皇冠体育"); two-letter Latin brands only count in domains."""
        automaton, _ = self._brands
        tokens = []
        for last, (size, entry) in automaton.iter(compact):
            start, end = last - size + 1, last + 1
            key = compact[start:end]
            if key.isascii() and (size <= 2 or (start and "a" <= compact[start - 1] <= "z")):
                continue
            spans = []
            if match := DIGITS_AFTER.match(compact, end):
                spans.append((start, match.end()))
            begin = start
            while begin and compact[begin - 1].isdigit():
                begin -= 1
            if start - begin >= 2:
                spans.append((begin, end))
            if match := SPORT_AFTER.match(compact, end):
                spans.append((start, match.end()))
            note = entry.term.note or "博彩品牌与数字、体育词连用"
            tokens += [(b, e, replace(entry.term, note=note)) for b, e in spans]
        return tokens

    # Matching --------------------------------------------------------------------------
    @staticmethod
    def _word_hits(automaton, haystack):
        if automaton is None:
            return []
        return [
            (last - size + 1, last + 1, entry.term)
            for last, (size, entry) in automaton.iter(haystack)
        ]

    def _spam_tokens(self, views):
        """Return (start, end, Term) in original indices for every suspicious token."""
        compact, cmap = views.compact, views.compact_map
        tokens = [
            (cmap[s], cmap[e - 1] + 1, term)
            for s, e, term in self._word_hits(self._compact, compact)
        ]
        for pattern, term in self.compact_patterns:
            tokens += [
                (cmap[m.start()], cmap[m.end() - 1] + 1, term)
                for m in pattern.finditer(compact)
                if m.end() > m.start()
            ]
        if self._pinyin is not None:
            # A pinyin match holds a Latin letter and at most _pinyin_length characters, so
            # only the neighbourhoods of Latin letters are spelled out.
            for offset, window in self._latin_windows(compact):
                view, owner = _pinyin_view(window)
                for last, (size, entry) in self._pinyin.iter(view):
                    first = last - size + 1
                    begin, end = owner[first], owner[last]
                    whole = (first == 0 or owner[first - 1] != begin) and (
                        last + 1 == len(view) or owner[last + 1] != end
                    )
                    if whole and re.search(r"[a-z]", window[begin : end + 1]):
                        tokens.append((cmap[offset + begin], cmap[offset + end] + 1, entry.term))
        if self._brands is not None:
            _, domain_brand = self._brands
            tokens += [
                (cmap[start], cmap[end - 1] + 1, term)
                for start, end, term in self._brand_tokens(compact)
            ]
            if domain_brand is not None:
                tokens += self._domain_tokens(views, domain_brand)
        return tokens

    def _latin_windows(self, compact):
        """Yield (offset, text) around each run of Latin letters, overlapping runs merged."""
        reach = self._pinyin_length
        windows = []
        for match in LATIN_RUN.finditer(compact):
            start, end = max(0, match.start() - reach), match.end() + reach
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        for start, end in windows:
            yield start, compact[start:end]

    @staticmethod
    def _domain_tokens(views, domain_brand):
        """Domains and URLs whose name (not the TLD) carries a brand, whatever the TLD."""
        folder, tokens = _get_folder(), []
        for candidate in DOMAIN_CANDIDATE.finditer(views.normal):
            dotted = candidate.group()
            for dot in DOT_LIKE:
                dotted = dotted.replace(dot, ".")
            flags = list(map(folder.kept_in_domain.__getitem__, dotted))
            dotted = "".join(compress(dotted, flags))
            owner = list(compress(range(candidate.start(), candidate.end()), flags))
            for match in DOMAIN.finditer(dotted):
                if re.search(r"\.(gov|edu|org)(\.cn)?$", match.group()):
                    continue  # 金沙县人民政府 is jinsha.gov.cn
                if domain_brand.search(match.group().rsplit(".", 1)[0]):
                    term = Term(match.group(), SPAM, BLOCKING, "", "含博彩品牌的网址", PATTERN)
                    start, end = owner[match.start()], owner[match.end() - 1] + 1
                    tokens.append((views.normal_map[start], views.normal_map[end - 1] + 1, term))
        return tokens

    def _runs(self, text, tokens):
        """Join suspicious tokens across short gaps into runs; return one Finding per run."""
        findings = []
        tokens = sorted(set(tokens), key=lambda t: (t[0], -t[1]))
        # A token inside a longer one ("新葡京" in "澳门新葡京") adds nothing to the run.
        outer, reach = [], -1
        for token in tokens:
            if token[1] <= reach:
                continue
            outer.append(token)
            reach = token[1]
        tokens, group = outer, []
        for token in [*tokens, None]:
            if token is not None and group and token[0] - max(t[1] for t in group) <= RUN_GAP:
                group.append(token)
                continue
            if group:
                finding = self._run_finding(text, group)
                if finding is not None:
                    findings.append(finding)
            group = [token] if token is not None else []
        return findings

    def _run_finding(self, text, group):
        words = [t for t in group if t[2].kind != CONTEXT]
        if not words:
            return None
        if len(group) == 1:
            return self._finding(text, *group[0])
        start, end = min(t[0] for t in group), max(t[1] for t in group)
        # Warnings alone stay warnings ("严厉打击赌博、涉黄、涉毒" is an official sentence);
        # one blocking token makes the whole run blocking.
        blocking = any(t[2].severity == BLOCKING for t in words)
        category = PROHIBITED if all(t[2].category == PROHIBITED for t in words) else SPAM
        names = "、".join(
            dict.fromkeys(text[s:e] if t.kind == PATTERN else t.term for s, e, t in words)
        )
        term = Term(names, category, BLOCKING if blocking else WARNING, "", RUN_NOTE)
        return self._finding(text, start, end, term)

    def _inside_correct(self, start, end, correct):
        """Return whether [start, end) lies inside a longer correctly written word."""
        for begin in range(max(0, start - self._correct_length), start + 1):
            for finish in correct.get(begin, ()):
                if finish >= end and (begin, finish) != (start, end):
                    return True
        return False

    def _normal_hits(self, views):
        """Return (start, end, Term) in original indices for words of official writing."""
        normal, nmap = views.normal, views.normal_map
        hits = self._word_hits(self._normal, normal)
        for pattern, term in self.normal_patterns:
            hits += [
                (m.start(), m.end(), term) for m in pattern.finditer(normal) if m.end() > m.start()
            ]
        if self._correct is not None and any(t.category == MISSPELLING for _, _, t in hits):
            correct, reach = {}, self._correct_length
            for s, e, term in hits:
                if term.category == MISSPELLING:
                    offset = max(0, s - reach)
                    for last, (size, _) in self._correct.iter(normal[offset : e + reach]):
                        correct.setdefault(offset + last - size + 1, set()).add(offset + last + 1)
            hits = [
                (s, e, term)
                for s, e, term in hits
                if term.category != MISSPELLING or not self._inside_correct(s, e, correct)
            ]
        hits += self.names.scan(normal)
        hits += _personal_data_hits(normal)
        return [(nmap[s], nmap[e - 1] + 1, term) for s, e, term in hits]

    def scan(self, text, *, field="", field_label=""):
        """Return the findings in text, in order of position."""
        text = text or ""
        if not text.strip():
            return []
        views = normalise(text)
        findings = {}
        for start, end, term in self._normal_hits(views):
            findings.setdefault((start, end), (start, end, term))
        findings = {key: self._finding(text, *hit) for key, hit in findings.items()}
        for finding in self._runs(text, self._spam_tokens(views)):
            findings[(finding.start, finding.end)] = finding
        # A hit inside a longer one ("bet365" inside "bet365.com") says nothing new: sorted by
        # start and longest first, a span ending before the furthest end so far is inside.
        result, reach = [], -1
        for (_, end), finding in sorted(
            findings.items(), key=lambda item: (item[0][0], -item[0][1])
        ):
            if end <= reach:
                continue
            result.append(finding)
            reach = end
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
            term=text[start:end] if term.kind == PATTERN else term.term,
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


# The current word list ----------------------------------------------------------------------
# Built scanners by the digest of what they were built from: the word list (the costly part:
# automata and pinyin of some 4,000 terms) and the known names (cheap, and they change whenever a
# department is added). The shared cache holds the digest of the current pair, so a change saved
# in one worker reaches every worker; a worker that misses the key reads the rows and rebuilds
# only when their digest is new to it.
_term_scanners = {}
_scanners = {}
KEPT_SCANNERS = 4


def _digest(rows):
    return hashlib.blake2b(repr(rows).encode(), digest_size=12).hexdigest()


def _known_names():
    """Return (name, (category, display)) for the bureau, its departments and its leaders."""
    from .models import Department, Leader, SiteSettings

    settings_row = SiteSettings.load()
    names = [(settings_row.bureau_name, (INSTITUTION_NAME, settings_row.bureau_name))]
    names += [
        (name, (INSTITUTION_NAME, name))
        for name in Department.objects.values_list("name", flat=True)
    ]
    for position, name in Leader.objects.current().values_list("position", "name"):
        # "党组书记、局长" + "张建华" → "局长张建华", the way official text names a leader.
        title = re.split(r"[、，,/ ]", position)[-1] if position else ""
        if title:
            names.append((f"{title}{name}", (LEADER_NAME, f"{title}{name}")))
    return tuple(names)


def _keep(store, key, value):
    if len(store) >= KEPT_SCANNERS:
        store.pop(next(iter(store)))
    store[key] = value
    return value


def _scanner():
    """Return the scanner for the current word list and names (built once per content)."""
    version = cache.get(VERSION_KEY)
    scanner = _scanners.get(version) if version else None
    if scanner is not None:
        return scanner
    from .models import SensitiveTerm

    rows = tuple(
        SensitiveTerm.objects.active()
        .order_by("pk")
        .values_list("term", "category", "severity", "suggestion", "note", "kind")
    )
    names = _known_names()
    terms_digest = _digest(rows)
    version = f"{terms_digest}.{_digest(names)}"
    scanner = _scanners.get(version)
    if scanner is None:
        base = _term_scanners.get(terms_digest)
        if base is None:
            base = _keep(_term_scanners, terms_digest, Scanner([Term(*row) for row in rows]))
        scanner = _keep(_scanners, version, base.with_names(names))
    cache.set(VERSION_KEY, version, None)
    return scanner


def scan_text(text, *, field="", field_label=""):
    """Return the findings of the current word list in plain text."""
    return _scanner().scan(text, field=field, field_label=field_label)


def word_list_changed():
    """Make every worker read the word list again: call after a change that sends no signals
    (a bulk import with bulk_create/bulk_update); saves and deletes call it by signal."""
    cache.delete(VERSION_KEY)
    # Again after the commit: a worker that read the rows before it would have stored the old
    # digest as current.
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def _new_version(sender, **kwargs):
    word_list_changed()


for _label in ["SensitiveTerm", "Department", "Leader", "SiteSettings"]:
    post_save.connect(_new_version, sender=f"portal.{_label}", dispatch_uid=f"cs-{_label}-save")
    post_delete.connect(_new_version, sender=f"portal.{_label}", dispatch_uid=f"cs-{_label}-del")


# Attachments --------------------------------------------------------------------------------
OLD_BINARY = {".doc", ".xls", ".wps", ".et"}
UNREADABLE_TERM = Term(
    "无法检查的附件",
    PERSONAL_DATA,
    WARNING,
    "",
    "旧版二进制格式（.doc/.xls/.wps/.et）无法自动检查内容，请另存为 .docx/.xlsx/.pdf 后上传，"
    "或由审核员人工核对",
)


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def attachment_pieces(name, data):
    """Return the text of a file as (text, location) pieces, by its extension: cells of an
    Excel workbook, paragraphs and table cells of a Word document, pages of a PDF.

    Returns None for a format no maintained library here reads (old binary .doc/.xls/.wps/.et),
    and [] for files without text (images, OFD, ZIP)."""
    extension = os.path.splitext(name)[1].lower()
    if extension in OLD_BINARY:
        return None
    try:
        if extension == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            pieces = []
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.value is not None and str(cell.value).strip():
                            cell_name = f"{_column_letter(cell.column)}{cell.row}"
                            pieces.append(
                                (str(cell.value), f"工作表“{sheet.title}”单元格{cell_name}")
                            )
            workbook.close()
            return pieces
        if extension == ".docx":
            import docx

            document = docx.Document(io.BytesIO(data))
            pieces = [
                (paragraph.text, f"第{number}段")
                for number, paragraph in enumerate(document.paragraphs, 1)
                if paragraph.text.strip()
            ]
            for table_number, table in enumerate(document.tables, 1):
                for row_number, row in enumerate(table.rows, 1):
                    for column_number, cell in enumerate(row.cells, 1):
                        if cell.text.strip():
                            where = f"表格{table_number}第{row_number}行第{column_number}列"
                            pieces.append((cell.text, where))
            return pieces
        if extension == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return [
                (page.extract_text() or "", f"第{number}页")
                for number, page in enumerate(reader.pages, 1)
            ]
    except Exception:  # a damaged file must not break the workflow; say it was not read
        return None
    return []


def scan_attachment(attachment):
    """Return the findings in an attachment's text, each naming the file and its sheet and cell
    (Excel), table cell or paragraph (Word) or page (PDF)."""
    label = f"附件“{attachment}”"
    name = attachment.file.name or str(attachment)
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return []
    pieces = attachment_pieces(name, data)
    scanner = _scanner()
    if pieces is None:
        return [
            replace(
                Scanner._finding(str(attachment), 0, len(str(attachment)), UNREADABLE_TERM),
                field="file",
                field_label=label,
                location="（未能读取内容）",
            )
        ]
    findings = []
    for text, where in pieces:
        for finding in scanner.scan(text, field="file", field_label=label):
            location = where
            if where.startswith("第") and where.endswith("页"):
                location = f"{where}第{finding.line}行"
            findings.append(replace(finding, location=location))
    return findings


def attachments_of(obj):
    """Return the attachment rows of a record (reverse relations to portal.uploads.Attachment)."""
    from .uploads import Attachment

    rows = []
    for relation in obj._meta.related_objects:
        if issubclass(relation.related_model, Attachment) and relation.one_to_many:
            rows += list(getattr(obj, relation.get_accessor_name()).all())
    return rows


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


def scan_publication(obj):
    """Return the findings of a record published through the review workflow (a catalog item,
    a service guide): its own text, the rows published with it (`public_text_rows()`) and every
    attachment of either. Personal data is blocking here, unless the 审核员 recorded a reason
    for that number on that record or file (a resolved ContentFinding, see
    ContentFinding.objects.allowed())."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ContentFinding

    sources = [(obj, scan_object(obj))]
    for row in obj.public_text_rows():
        sources.append((row, scan_object(row)))
    for owner in [obj, *obj.public_text_rows()]:
        for attachment in attachments_of(owner):
            sources.append((attachment, scan_attachment(attachment)))
    allowed = set()
    if obj.pk is not None:
        allowed = {
            (content_type_id, object_id, matched)
            for content_type_id, object_id, matched in ContentFinding.objects.allowed().values_list(
                "content_type_id", "object_id", "matched"
            )
        }
    findings = []
    for source, found in sources:
        content_type_id = ContentType.objects.get_for_model(source).pk if found else None
        for finding in found:
            if finding.category == PERSONAL_DATA and finding.term != UNREADABLE_TERM.term:
                if (content_type_id, str(source.pk), finding.matched[:200]) in allowed:
                    continue
                finding = replace(
                    finding, severity=BLOCKING, source=(content_type_id, str(source.pk))
                )
            findings.append(finding)
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

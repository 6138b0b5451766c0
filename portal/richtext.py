"""Rich text: the editor's configuration and the nh3 allow-list that every stored body passes."""

import nh3

# What the editor offers (django-prose-editor extensions). The sanitiser below decides what stays.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Image": True,
    "TextAlign": True,
    "TextStyle": True,
    "History": True,
}

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "img",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "p": {"style"},
    "h2": {"style"},
    "h3": {"style"},
    "h4": {"style"},
}
TEXT_ALIGN = {"text-align: left", "text-align: center", "text-align: right", "text-align: justify"}


def _filter_attribute(tag, name, value):
    if tag == "img" and name == "src":
        # Images only from our own uploads: nothing hot-linked, no data: or javascript: URLs.
        return value if value.startswith("/media/") else None
    if name == "style":
        value = value.strip().rstrip(";").strip()
        return value + ";" if value in TEXT_ALIGN else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


def sanitize_html(html):
    """Return html with only the allowed tags, attributes and URL schemes kept."""
    cleaned = _CLEANER.clean(html or "")
    return "" if cleaned.strip() in {"", "<p></p>"} else cleaned

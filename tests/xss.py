"""Check rendered HTML for active content the way a browser would parse it."""

from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "video",
    "audio",
    "details",
    "template",
    "noscript",
    "marquee",
    "isindex",
}
URL_ATTRIBUTES = {"href", "src", "action", "data", "background", "formaction"}


class ActiveContentFinder(HTMLParser):
    def __init__(self, allowed_scripts=(), allowed_tags=()):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = set(allowed_scripts)
        self.allowed_tags = set(allowed_tags)
        self.findings = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") in self.allowed_scripts:
            return
        if tag in ACTIVE_TAGS and tag not in self.allowed_tags:
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:text")):
                    self.findings.append(f"{tag}[{name}={value}]")


def active_content(html, *, allowed_scripts=(), allowed_tags=()):
    """Return descriptions of script-capable markup in html (empty when the page is inert)."""
    finder = ActiveContentFinder(allowed_scripts, allowed_tags)
    finder.feed(html)
    return finder.findings

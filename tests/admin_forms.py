"""Read an admin change form back as the browser would post it (tests only)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None
        self._text = []

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag not in {"option"}:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(attrs["name"], attrs.get("value", "on"))
                return
            self.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def change_form_data(client, url, model_name):
    """Return the change form at url as POST data: {name: value or [values]}."""
    reader = _FormReader(f"{model_name}_form")
    reader.feed(client.get(url).content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}

"""Addresses of rows by their number, cheaply: a list page links 20 rows, and Django's
`reverse()` (about 40 µs each) was a tenth of a column page's time.

`pk_url(name, pk)` equals `reverse(name, args=[pk])` for a URL pattern whose only argument is
an integer: the pattern is reversed once per worker (and script prefix) with a marker number,
and each row's number is put in the marker's place.
"""

from django.urls import get_script_prefix, reverse

_MARKER = 9876543210123
_shapes = {}  # {(name, script prefix): (before, after)}: this worker's, read-only once stored


def pk_url(name, pk):
    """Return the address of the pattern name for the integer pk."""
    key = (name, get_script_prefix())
    shape = _shapes.get(key)
    if shape is None:
        before, _, after = reverse(name, args=[_MARKER]).partition(str(_MARKER))
        shape = _shapes[key] = (before, after)
    return f"{shape[0]}{int(pk)}{shape[1]}"

from .chrome import site_settings


def site(request):
    """Put the bureau's settings into every template as `site` (read once per worker and
    content version)."""
    return {"site": site_settings()}

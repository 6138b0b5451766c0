from .models import SiteSettings


def site(request):
    """Put the bureau's settings into every template as `site`."""
    return {"site": SiteSettings.load()}

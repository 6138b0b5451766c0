import pytest

from portal.models import SiteSettings


@pytest.fixture(autouse=True)
def site(db):
    """The bureau's settings, created and cached before the request under test."""
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.phone = "0571-87061234"
    site.save()
    SiteSettings.load()
    return site

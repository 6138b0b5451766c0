"""PUBLIC_FORM_CAPTCHA_OFF (load tests) removes the anti-bot check for requests from this machine
only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:message-create")


@pytest.mark.parametrize(
    "address,has_captcha",
    [("127.0.0.1", False), ("::1", False), ("203.0.113.9", True), ("10.0.0.5", True)],
)
def test_captcha_off_only_on_loopback(client, settings, address, has_captcha):
    settings.PUBLIC_FORM_CAPTCHA = False
    html = client.get(FORM, REMOTE_ADDR=address).content.decode()
    assert ('name="captcha"' in html) is has_captcha


def test_captcha_stays_on_loopback_when_the_setting_is_on(client, settings):
    settings.PUBLIC_FORM_CAPTCHA = True
    assert 'name="captcha"' in client.get(FORM, REMOTE_ADDR="127.0.0.1").content.decode()

"""The name an authenticator app shows above a staff member's codes: the bureau's own platform
(from 网站设置), so that staff of several bureaus using one app can tell the entries apart.

Settings refer to this function (django-otp calls OTP_TOTP_ISSUER with the device); it imports
the models only when called, after the apps are loaded.
"""


def totp_issuer(device=None):
    from .models import SiteSettings

    return f"{SiteSettings.load().bureau_name}政务公开管理平台"


def passkey_rp_name(request=None):
    """The name a browser shows when it registers or uses a passkey (WebAuthn relying party):
    OTP_WEBAUTHN_RP_NAME when set, else the same platform name as the authenticator apps."""
    from django.conf import settings

    return settings.OTP_WEBAUTHN_RP_NAME or totp_issuer()

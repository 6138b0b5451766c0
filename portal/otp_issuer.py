"""The name an authenticator app shows above a staff member's codes: the bureau's own platform
(from 网站设置), so that staff of several bureaus using one app can tell the entries apart.

Settings refer to this function (django-otp calls OTP_TOTP_ISSUER with the device); it imports
the models only when called, after the apps are loaded.
"""


def totp_issuer(device=None):
    from .models import SiteSettings

    return f"{SiteSettings.load().bureau_name}政务公开管理平台"

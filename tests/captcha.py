"""Submit citizen forms in tests: solve a real 人机验证 challenge, as the browser script does.

Test settings make the challenge small (CAPTCHA_MAX_NUMBER), so solving it costs a few hundred
hashes; there is no test mode that accepts anything.
"""

import altcha

from portal.captcha import new_challenge


def solve(challenge):
    """The payload static/js/captcha.js would post for `challenge` (a dict from the server)."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], max_number=challenge["maxNumber"]
    )
    payload = altcha.PayloadV1(
        algorithm=challenge["algorithm"],
        challenge=challenge["challenge"],
        number=solution.number,
        salt=challenge["salt"],
        signature=challenge["signature"],
    )
    return payload.to_base64()


def solved_captcha():
    """Form data with a freshly solved check: `client.post(url, {**data, **solved_captcha()})`."""
    return {"captcha": solve(new_challenge())}

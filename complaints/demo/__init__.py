"""Demo 政民互动 desk: categories with reply templates, complaint agencies, a year of messages;
征求意见 (one open with comments, one closed with published feedback, one announced) and 网上评议
(one round running, one closed with its results).

The texts are data beside the loaders: `messages.toml`, `consultations.toml` and
`evaluations.toml`. Deterministic (random.Random with a fixed seed) and idempotent: categories and
agencies are updated in place; messages are generated only while the desk has none. Messages,
consultations and evaluations go through the real services and transitions (submit, reply,
approve, rate, transfer, close), so events, deadlines and lateness are exactly what the live desk
would have stored.
"""

import random

from django.utils import timezone

from portal.models import Department

from . import consultations, evaluations, messages
from .messages import staff

SEED = 20261125


def load(*, stdout):
    messages.load(stdout=stdout, seed=SEED)
    load_participation(stdout=stdout)


def load_participation(*, stdout, now=None):
    """Create the demo consultations and evaluation rounds once (looked up by title)."""
    now = now or timezone.now()
    officer, reviewer, head = staff("xinxiyuan"), staff("shenheyuan"), staff("kezhang")
    if not (officer and reviewer and head):
        stdout.write("演示账号缺失，未生成征求意见和网上评议。")
        return
    departments = {d.code: d for d in Department.objects.all()}
    # One random stream for both, in this order, so that the demo stays the same.
    rng = random.Random(SEED + 12)
    made = consultations.load(
        departments=departments, officer=officer, reviewer=reviewer, head=head, rng=rng, now=now
    )
    stdout.write(f"征求意见：新建 {made} 项（征集中、已反馈、预告各一项）。")
    rounds = evaluations.load(departments=departments, reviewer=reviewer, rng=rng, now=now)
    stdout.write(f"网上评议：新建 {rounds} 轮（进行中、已结束各一轮）。")

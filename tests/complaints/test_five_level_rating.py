"""The 政民互动 reply rating on the five levels of 好差评 (portal.ratings)."""

import pytest

from complaints.forms import RatingForm
from complaints.models import Message
from portal.ratings import Rating
from tests.complaints.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_message_rating_uses_the_portal_scale():
    assert Message.Rating is Rating
    assert [label for _, label in RatingForm().fields["rating"].choices] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]


def test_very_unsatisfied_reopens_and_needs_a_reason(department_head, reviewer):
    form = RatingForm({"rating": "very_unsatisfied", "comment": ""})
    assert not form.is_valid()
    assert "非常不满意" in form.errors["comment"][0]
    message = MessageFactory()
    message.record_reply(by=department_head, text="答复")
    message.approve(by=reviewer)
    message.rate(rating="very_unsatisfied", comment="答非所问")
    message.refresh_from_db()
    assert message.rating == "very_unsatisfied"
    assert message.status == Message.Status.RECEIVED  # reopened


def test_satisfaction_counts_the_three_good_levels(department_head, reviewer):
    for level in ["very_satisfied", "satisfied", "fair", "unsatisfied"]:
        message = MessageFactory()
        message.record_reply(by=department_head, text="答复")
        message.approve(by=reviewer)
        message.rate(rating=level, comment="理由")
    figures = Message.objects.figures()
    assert figures["rated_count"] == 4 and figures["satisfied_count"] == 3
    assert figures["satisfaction_rate"] == 75

"""Back office of 政民互动: 留言 (messages), 征求意见 (consultations) and 网上评议 (evaluations)."""

from . import consultations, evaluations, messages

__all__ = ["consultations", "evaluations", "messages"]

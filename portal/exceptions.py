"""Domain exceptions shared by the apps."""


class InvalidTransition(Exception):
    """A workflow move that the record's current state does not allow."""

    def __init__(self, obj, action, message=""):
        self.obj = obj
        self.action = action
        super().__init__(message or f"当前状态（{obj.get_status_display()}）下不能执行此操作")


def error_messages(exc) -> list[str]:
    """Return the Chinese messages of a refused move (InvalidTransition or ValidationError)."""
    return getattr(exc, "messages", None) or [str(exc)]

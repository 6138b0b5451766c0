"""What every workflow transition shares (STYLE.md guideline 4), written once.

A model with a workflow inherits `Transitions` and keeps its own verb methods (`approve`,
`record_reply`, `extend`…), each `@transaction.atomic`. Inside, a method calls:

- `self.begin(action)`: lock the row (`select_for_update`), re-read its state and check the move
  against `TRANSITIONS` (or the states given), raising `InvalidTransition`. Two clerks pressing a
  button at once: the second sees the first one's result. A record whose state is not one field
  (an annual report, a consultation's feedback) calls `lock(self, *fields)` itself;
- `self.log(kind, by, now, note)`: append the row of the model's own event table (`events`)
  and write the staff notices the event kind calls for (`portal.staff_notices.VERBS`);
- `self.stamp(field, kind, now=…, note=…)`: set a once-only time such as `reminded_at` or
  `escalated_at` while the record is still in its open state, and log it; return False when
  another worker was first (the reminder and escalation sweeps call it).
"""

from django.db import models

from .exceptions import InvalidTransition


def lock(obj, *fields):
    """Lock obj's row for the transaction and re-read `fields` from it onto obj.

    Call it inside `transaction.atomic` before checking a state held in those fields.
    """
    values = type(obj).objects.select_for_update().values(*fields).get(pk=obj.pk)
    for field, value in values.items():
        setattr(obj, field, value)


class Transitions:
    """The state check, row lock, event row and reminder stamp of a workflow model."""

    # The moves and the states each is allowed from: {"approve": {Status.PENDING}, …}.
    TRANSITIONS: dict = {}
    # The field holding the state.
    state_field = "status"
    # The state in which reminders and escalations are stamped (a record still waiting).
    open_state = None

    def can(self, action):
        """Return whether the current state allows the transition named action."""
        return getattr(self, self.state_field) in self.TRANSITIONS[action]

    def begin(self, action, *, allowed=None, message=""):
        """Lock this row, re-read its state and check that the move `action` is allowed.

        `allowed` (a set of states) replaces the TRANSITIONS entry for models whose moves are
        few; `message` replaces the default refusal.
        """
        lock(self, self.state_field)
        states = self.TRANSITIONS[action] if allowed is None else allowed
        if getattr(self, self.state_field) not in states:
            raise InvalidTransition(self, action, message)

    def log(self, kind, by, now, note=""):
        """Append one row to this record's event table and tell the staff it concerns."""
        from .staff_notices import notify_event  # the notices' one table (portal.staff_notices)

        event = self.events.create(kind=kind, actor=by, at=now, note=note)
        notify_event(self, kind, by=by, note=note, now=now)
        return event

    def stamp(self, field, kind, *, now, note=""):
        """Set the once-only time `field` if it is still empty and the record still open.

        The update is one conditional UPDATE, so two workers never both stamp it; the event is
        logged only by the one that did. Return whether this call stamped it.
        """
        condition = models.Q(pk=self.pk, **{field: None})
        if self.open_state is not None:
            condition &= models.Q(**{self.state_field: self.open_state})
        done = type(self).objects.filter(condition).update(**{field: now})
        if done:
            setattr(self, field, now)
            self.log(kind, None, now, note)
        return bool(done)

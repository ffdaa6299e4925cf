"""The status workflow of an interaction.

    Análise → Em atendimento ⇄ Aguardando cliente → Respondida → Concluída

Staff start handling, may ask the customer for information (the deadline
clock pauses until the customer answers) and answer. The customer accepts
the answer (Concluída) or rejects it with a reason, which sends it back to
Em atendimento and counts the rejection. Unaccepted answers conclude by
themselves after a configurable number of days. The author may cancel while
nobody has started handling it. Every other move is refused in words.
"""

from __future__ import annotations

from enum import StrEnum

from data.errors import WorkflowError
from data.i18n import _
from data.models import Status


class Action(StrEnum):
    """What someone does to an interaction that may change its status."""

    START = "start"
    ASK = "ask"
    ADD_INFO = "add_info"
    ANSWER = "answer"
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL = "cancel"
    AUTO_CONCLUDE = "auto_conclude"


# Each action lists the statuses it may start from and the path of statuses
# it walks from there; staff answering an untouched interaction goes through
# Em atendimento so that the timeline shows every step.
_PATHS: dict[Action, dict[Status, tuple[Status, ...]]] = {
    Action.START: {Status.ANALYSIS: (Status.IN_PROGRESS,)},
    Action.ASK: {
        Status.ANALYSIS: (Status.IN_PROGRESS, Status.AWAITING_CUSTOMER),
        Status.IN_PROGRESS: (Status.AWAITING_CUSTOMER,),
    },
    Action.ADD_INFO: {Status.AWAITING_CUSTOMER: (Status.IN_PROGRESS,)},
    Action.ANSWER: {
        Status.ANALYSIS: (Status.IN_PROGRESS, Status.ANSWERED),
        Status.IN_PROGRESS: (Status.ANSWERED,),
        Status.AWAITING_CUSTOMER: (Status.IN_PROGRESS, Status.ANSWERED),
    },
    Action.ACCEPT: {Status.ANSWERED: (Status.CONCLUDED,)},
    Action.REJECT: {Status.ANSWERED: (Status.IN_PROGRESS,)},
    Action.CANCEL: {Status.ANALYSIS: (Status.CANCELLED,)},
    Action.AUTO_CONCLUDE: {Status.ANSWERED: (Status.CONCLUDED,)},
}


def allowed(status: Status, action: Action) -> bool:
    """Whether ``action`` may be taken on an interaction in ``status``."""
    return status in _PATHS[action]


def path(status: Status, action: Action) -> tuple[Status, ...]:
    """The statuses ``action`` walks through from ``status``, in order.

    Raises:
        WorkflowError: the action is not allowed now, with the reason.
    """
    try:
        return _PATHS[action][status]
    except KeyError:
        raise WorkflowError(refusal(status, action)) from None


def actions_from(status: Status) -> list[Action]:
    """Every action allowed from ``status`` (the screens offer these)."""
    return [action for action in Action if status in _PATHS[action]]


def refusal(status: Status, action: Action) -> str:
    """The sentence that explains why ``action`` is refused in ``status``."""
    if status is Status.CONCLUDED:
        return _("This interaction is concluded; open a new one if needed.")
    if status is Status.CANCELLED:
        return _("This interaction was cancelled and can no longer change.")
    reasons = {
        Action.START: _("Handling has already started."),
        Action.ASK: _("Information can only be asked while handling it."),
        Action.ADD_INFO: _(
            "Information can only be added when the support team asked for it."
        ),
        Action.ANSWER: _("Only an interaction being handled can be answered."),
        Action.ACCEPT: _("Only an answered interaction can be accepted."),
        Action.REJECT: _("Only an answered interaction can be rejected."),
        Action.CANCEL: _(
            "Only an interaction still in analysis can be cancelled; "
            "handling has already started."
        ),
        Action.AUTO_CONCLUDE: _("Only an answered interaction can conclude."),
    }
    return reasons[action]

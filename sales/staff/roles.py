"""Roles of the staff web pages, and how the staff API's token identities map onto them.

A role is a set of the staff API's scopes (api/staff/identities.py), so a person signed in on
the web and a token identity with the same scopes may do the same things:

============  =========================  ===============================================
role          scopes                     may
============  =========================  ===============================================
``viewer``    read                       the dashboard, inquiries, quotes, gaps
``rep``       read                       as viewer (taking chats stays in Slack for now)
``approver``  read + approve             as viewer, and approve or reject quotes (on the
                                         approver list once one is set, as in Slack)
``admin``     read + approve + admin     everything, erasure included
============  =========================  ===============================================

A token identity's role is the highest role whose scopes it holds all of: ``read`` ->
viewer, ``read+approve`` (a plain token too) -> approver, ``read+approve+admin`` -> admin; an
identity without ``read`` (``ops:admin:...``) has no role on the web pages. No token maps to
``rep``: its scopes are a viewer's.
"""

from __future__ import annotations

from collections.abc import Iterable

from sales.models import StaffRole

# the staff API's scope names (api.staff.identities.Scope, a StrEnum of the same values)
READ, APPROVE, ADMIN = "read", "approve", "admin"

ROLE_SCOPES: dict[StaffRole, frozenset[str]] = {
    StaffRole.VIEWER: frozenset({READ}),
    StaffRole.REP: frozenset({READ}),
    StaffRole.APPROVER: frozenset({READ, APPROVE}),
    StaffRole.ADMIN: frozenset({READ, APPROVE, ADMIN}),
}
# from the most to the least rights: the first one an identity's scopes cover is its role
_BY_RANK = (StaffRole.ADMIN, StaffRole.APPROVER, StaffRole.VIEWER)


def scopes_of(role: str | StaffRole) -> frozenset[str]:
    return ROLE_SCOPES[StaffRole(role)]


def role_for_scopes(scopes: Iterable[str]) -> StaffRole | None:
    """The role of a token identity with these scopes; None when it cannot read."""
    held = frozenset(str(s) for s in scopes)
    return next((role for role in _BY_RANK if ROLE_SCOPES[role] <= held), None)


def may(role: str | StaffRole, scope: str) -> bool:
    return str(scope) in scopes_of(role)

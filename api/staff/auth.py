"""Bearer-token auth for the staff API: each token of STAFF_API_TOKENS is a staff identity with
scopes (api/staff/identities.py); none set: refuse all. 401 without a known token, 403 when the
identity lacks the route's scope, or (approvals) is not on the approver list."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Security, status

from api.deps import Services, ServicesDep, staff_bearer
from api.staff.identities import Scope, StaffIdentity


def identify(token: str | None, identities: tuple[StaffIdentity, ...]) -> StaffIdentity | None:
    """The identity whose token this is (constant-time over every entry)."""
    if not token:
        return None
    given = token.encode()
    found = None
    for identity in identities:
        if hmac.compare_digest(given, identity.token.encode()):
            found = identity
    return found


async def require_identity(
    services: ServicesDep, token: Annotated[str | None, Security(staff_bearer)]
) -> StaffIdentity:
    identity = identify(token, services.settings.staff_identities)
    if identity is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or wrong staff API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return identity


def _scope(scope: Scope) -> Callable[[StaffIdentity], Awaitable[StaffIdentity]]:
    async def require(
        identity: Annotated[StaffIdentity, Depends(require_identity)],
    ) -> StaffIdentity:
        if not identity.has(scope):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the staff identity {identity.name} lacks the {scope.value} scope",
            )
        return identity

    return require


require_read = _scope(Scope.READ)
require_approve = _scope(Scope.APPROVE)
require_admin = _scope(Scope.ADMIN)

READ_FORBIDDEN = "the staff identity lacks the read scope"
StaffDep = Annotated[StaffIdentity, Depends(require_read)]
ApproverDep = Annotated[StaffIdentity, Depends(require_approve)]
AdminDep = Annotated[StaffIdentity, Depends(require_admin)]


def approver_list_set(services: Services) -> bool:
    settings = services.settings
    return bool(settings.slack_approver_ids or settings.slack_approver_group)


async def on_approver_list(services: Services, name: str) -> bool:
    """The one approver list (SLACK_APPROVERS user ids, SLACK_APPROVER_GROUP members) that Slack
    decisions are checked against; the group is asked of Slack when Slack is configured."""
    settings = services.settings
    if name in settings.slack_approver_ids:
        return True
    approvers = getattr(services.slack, "approvers", None)
    return approvers is not None and bool(await approvers.allowed(name))


async def require_decider(
    services: ServicesDep, identity: Annotated[StaffIdentity, Depends(require_approve)]
) -> StaffIdentity:
    """The approve scope and, once an approver list is configured, a name on it: an identity
    that decides on quotes is named by its approver's Slack user id (``U0123ABC:read+approve:...``).
    Without an approver list the approve scope is the list."""
    if approver_list_set(services) and not await on_approver_list(services, identity.name):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"the staff identity {identity.name} is not on the approver list "
            "(SLACK_APPROVERS, SLACK_APPROVER_GROUP)",
        )
    return identity


DeciderDep = Annotated[StaffIdentity, Depends(require_decider)]

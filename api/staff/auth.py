"""Bearer-token auth for the staff API (tokens from STAFF_API_TOKENS; none set: refuse all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Security, status

from api.deps import ServicesDep, staff_bearer, token_matches


async def require_staff(
    services: ServicesDep, token: Annotated[str | None, Security(staff_bearer)]
) -> str:
    if token is None or not token_matches(token, services.settings.staff_tokens):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or wrong staff API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


StaffDep = Annotated[str, Depends(require_staff)]

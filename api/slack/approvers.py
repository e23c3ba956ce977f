"""Who may approve or reject quotes: ``SLACK_APPROVERS`` user ids and/or the members of the
``SLACK_APPROVER_GROUP`` user group (asked of Slack, cached for a minute)."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)
GROUP_TTL_S = 60.0


class Approvers:
    def __init__(
        self, client: AsyncWebClient, *, user_ids: frozenset[str], group: str | None
    ) -> None:
        self.client = client
        self.user_ids = user_ids
        self.group = group
        self._members: frozenset[str] = frozenset()
        self._fetched = 0.0

    async def _group_members(self) -> frozenset[str]:
        if not self.group:
            return frozenset()
        if time.monotonic() - self._fetched > GROUP_TTL_S:
            try:
                response = await self.client.usergroups_users_list(usergroup=self.group)
                self._members = frozenset(response.get("users") or [])
                self._fetched = time.monotonic()
            except SlackApiError:
                log.warning("approver group not readable")
        return self._members

    async def allowed(self, user_id: str) -> bool:
        return user_id in self.user_ids or user_id in await self._group_members()

"""Staff identities with scopes (issue 14, finding 4): a token names someone, decisions are
recorded under that name, a missing scope is 403, the approver list holds on the staff API too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from api.main import create_app
from api.settings import Settings
from api.staff.identities import LEGACY_SCOPES, Scope, legacy_name, parse_staff_tokens

from .test_staff_quotes import make_quote

READER = "reader-token-0123456789abcdef"
APPROVER = "approver-token-0123456789abcdef"  # named by an approver's Slack user id
OTHER = "other-approver-token-0123456789"  # approve scope, but not on the approver list
ADMIN = "admin-token-0123456789abcdef"
PLAIN = "plain-token-0123456789abcdef"
TOKENS = (
    f"crm:read:{READER}, U0APPROVER:read+approve:{APPROVER}, ops:approve:{OTHER}, "
    f"privacy:admin:{ADMIN}, {PLAIN}"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_entries_name_identities_with_scopes() -> None:
    identities = {i.name: i for i in parse_staff_tokens(TOKENS)}
    assert identities["crm"].scopes == {Scope.READ}
    assert identities["U0APPROVER"].scopes == {Scope.READ, Scope.APPROVE}
    assert identities["privacy"].scopes == {Scope.ADMIN}
    plain = identities[legacy_name(PLAIN)]
    assert plain.scopes == LEGACY_SCOPES and plain.token == PLAIN
    assert legacy_name(PLAIN).startswith("token-") and PLAIN not in legacy_name(PLAIN)
    assert PLAIN not in repr(plain)


@pytest.mark.parametrize(
    "raw",
    [
        "crm:read",  # no token
        "crm:read:",  # empty token
        "crm::tok-123456",  # no scope
        "crm:write:tok-123456",  # unknown scope
        ":read:tok-123456",  # no name
        "a b:read:tok-123456",  # a name with a space
        "crm:read:tok-123456, crm:admin:tok-7891011",  # a name twice
        "a:read:tok-123456, b:admin:tok-123456",  # a token twice
    ],
)
def test_malformed_entries_stop_the_settings_without_showing_a_token(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, staff_api_tokens=SecretStr(raw))
    assert "tok-123456" not in str(caught.value) and "tok-7891011" not in str(caught.value)


def test_log_masking_gets_the_tokens_not_the_entries() -> None:
    settings = Settings(_env_file=None, staff_api_tokens=SecretStr(TOKENS))
    assert settings.staff_tokens == {READER, APPROVER, OTHER, ADMIN, PLAIN}


@pytest.fixture
def scoped_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"staff_api_tokens": SecretStr(TOKENS)})


@pytest.fixture
def scoped(scoped_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(scoped_settings)) as test_client:
        yield test_client


def test_each_route_needs_its_scope(scoped: TestClient, scoped_settings: Settings) -> None:
    ref = make_quote(scoped_settings, in_policy=False)
    reads = ["/api/inquiries", f"/api/quotes/{ref}", "/api/kb/gaps"]
    for path in reads:
        assert scoped.get(path, headers=bearer(READER)).status_code == 200, path
        assert scoped.get(path, headers=bearer(PLAIN)).status_code == 200, path
        for token in (OTHER, ADMIN):  # approve or admin alone: not read
            response = scoped.get(path, headers=bearer(token))
            assert response.status_code == 403, (path, token)
            assert "lacks the read scope" in response.json()["detail"]
        assert scoped.get(path, headers=bearer("unknown-token")).status_code == 401
    for token in (READER, ADMIN):
        for action in ("approve", "reject"):
            response = scoped.post(f"/api/quotes/{ref}/{action}", json={}, headers=bearer(token))
            assert response.status_code == 403, (token, action)
            assert "lacks the approve scope" in response.json()["detail"]
    assert scoped.get(f"/api/quotes/{ref}", headers=bearer(READER)).json()["status"] == (
        "pending_approval"
    )


def test_a_decision_is_recorded_under_the_identity_not_the_body(
    scoped: TestClient, scoped_settings: Settings
) -> None:
    ref = make_quote(scoped_settings, in_policy=False)
    response = scoped.post(
        f"/api/quotes/{ref}/approve",
        json={"by": "the CEO", "note": "fine"},
        headers=bearer(APPROVER),
    )
    assert response.status_code == 200
    assert [(a["by"], a["note"]) for a in response.json()["approvals"]] == [("U0APPROVER", "fine")]

    other = make_quote(scoped_settings, in_policy=False)
    response = scoped.post(f"/api/quotes/{other}/reject", json={}, headers=bearer(PLAIN))
    assert response.status_code == 200
    assert response.json()["approvals"][0]["by"] == legacy_name(PLAIN)


def test_the_approver_list_holds_on_the_staff_api(scoped_settings: Settings) -> None:
    """SLACK_APPROVERS set: an identity with the approve scope decides only if its name is on
    the list, as a Slack user does."""
    listed = scoped_settings.model_copy(update={"slack_approvers": "U0APPROVER,U0SOMEONE"})
    with TestClient(create_app(listed)) as client:
        ref = make_quote(listed, in_policy=False)
        for token in (OTHER, PLAIN):
            for action in ("approve", "reject"):
                response = client.post(
                    f"/api/quotes/{ref}/{action}", json={"note": "x"}, headers=bearer(token)
                )
                assert response.status_code == 403, (token, action)
                assert "not on the approver list" in response.json()["detail"]
        assert client.get(f"/api/quotes/{ref}", headers=bearer(PLAIN)).json()["status"] == (
            "pending_approval"
        )
        response = client.post(f"/api/quotes/{ref}/approve", json={}, headers=bearer(APPROVER))
        assert response.status_code == 200 and response.json()["status"] == "sent"


def test_an_approver_group_without_slack_admits_the_listed_ids_only(
    scoped_settings: Settings,
) -> None:
    """The group's members are only known through Slack: without Slack, nobody else is one."""
    grouped = scoped_settings.model_copy(update={"slack_approver_group": "S0GROUP"})
    with TestClient(create_app(grouped)) as client:
        ref = make_quote(grouped, in_policy=False)
        response = client.post(f"/api/quotes/{ref}/approve", json={}, headers=bearer(APPROVER))
        assert response.status_code == 403


def test_the_group_is_asked_through_the_slack_approvers(scoped_settings: Settings) -> None:
    """With Slack configured, the staff API asks the same Approvers object as Slack's buttons."""
    import asyncio
    from types import SimpleNamespace

    from api.staff.auth import on_approver_list

    class GroupOfOne:
        async def allowed(self, user_id: str) -> bool:
            return user_id == "U0MEMBER"

    grouped = scoped_settings.model_copy(update={"slack_approver_group": "S0GROUP"})
    services = SimpleNamespace(settings=grouped, slack=SimpleNamespace(approvers=GroupOfOne()))
    assert asyncio.run(on_approver_list(services, "U0MEMBER"))  # type: ignore[arg-type]
    assert not asyncio.run(on_approver_list(services, "U0STRANGER"))  # type: ignore[arg-type]

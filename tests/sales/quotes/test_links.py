"""Signed, expiring PDF links: the signature, its checks, and the one link signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from sales.quotes.links import LinkCheck, LinkSigner, check, make_link, sign

SECRET = "link-secret-for-tests-0123456789"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _parts(link: str) -> tuple[str, str, str]:
    url = urlsplit(link)
    query = parse_qs(url.query)
    return url.path, query["exp"][0], query["sig"][0]


# -- the signature ----------------------------------------------------------------------------


def test_a_fresh_link_checks_out_until_it_expires() -> None:
    link = make_link(
        "https://sales.example/", "Q-2026-000045", timedelta(days=7), secret=SECRET, now=NOW
    )
    path, exp, sig = _parts(link)
    assert link.startswith("https://sales.example/q/Q-2026-000045.pdf?exp=")
    assert path == "/q/Q-2026-000045.pdf" and int(exp) == int((NOW + timedelta(days=7)).timestamp())
    assert check("Q-2026-000045", exp, sig, secret=SECRET, now=NOW) is LinkCheck.VALID
    last = NOW + timedelta(days=7)
    assert check("Q-2026-000045", exp, sig, secret=SECRET, now=last) is LinkCheck.VALID
    later = last + timedelta(seconds=1)
    assert check("Q-2026-000045", exp, sig, secret=SECRET, now=later) is LinkCheck.EXPIRED


@pytest.mark.parametrize(
    ("reference", "exp_delta", "sig_change", "secret"),
    [
        ("Q-2026-000046", 0, None, SECRET),  # another quote
        ("Q-2026-000045", 86400, None, SECRET),  # a later expiry
        ("Q-2026-000045", 0, "flip", SECRET),  # a changed signature
        ("Q-2026-000045", 0, None, "another-secret"),  # signed with another key
    ],
)
def test_tampered_links_are_bad(
    reference: str, exp_delta: int, sig_change: str | None, secret: str
) -> None:
    _, exp, sig = _parts(
        make_link("http://x", "Q-2026-000045", timedelta(days=1), secret=SECRET, now=NOW)
    )
    if sig_change:
        sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    result = check(reference, str(int(exp) + exp_delta), sig, secret=secret, now=NOW)
    assert result is LinkCheck.BAD


@pytest.mark.parametrize(
    ("exp", "sig"),
    [(None, "x"), ("123", None), ("", "x"), ("12a", "x"), ("-5", "x"), ("1" * 13, "x"),
     ("²", "x"), ("123", "ünïcode")],
)  # fmt: skip
def test_malformed_links_are_bad(exp: str | None, sig: str | None) -> None:
    assert check("Q-2026-000045", exp, sig, secret=SECRET, now=NOW) is LinkCheck.BAD


def test_signature_is_hmac_sha256_of_reference_and_expiry() -> None:
    import base64
    import hashlib
    import hmac

    digest = hmac.new(SECRET.encode(), b"Q-2026-000045\n1790000000", hashlib.sha256).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert sign("Q-2026-000045", 1790000000, secret=SECRET) == expected


def test_no_empty_secret_and_no_negative_ttl() -> None:
    with pytest.raises(ValueError, match="secret is empty"):
        sign("Q-2026-000045", 1, secret="")
    with pytest.raises(ValueError, match="positive"):
        make_link("http://x", "Q-2026-000045", timedelta(0), secret=SECRET)


def test_the_signer_makes_and_checks_the_same_links() -> None:
    signer = LinkSigner("https://sales.example/", timedelta(days=7), secret=SECRET)
    link = signer.link("Q-2026-000045", now=NOW)
    assert link == make_link(
        "https://sales.example/", "Q-2026-000045", timedelta(days=7), secret=SECRET, now=NOW
    )
    _, exp, sig = _parts(link)
    assert signer.check("Q-2026-000045", exp, sig, now=NOW) is LinkCheck.VALID
    assert signer.check("Q-2026-000046", exp, sig, now=NOW) is LinkCheck.BAD
    assert signer("Q-2026-000045").startswith("https://sales.example/q/Q-2026-000045.pdf?")
    assert SECRET not in repr(signer)

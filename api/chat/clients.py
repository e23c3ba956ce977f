"""Who a buyer's client is (its address, behind a trusted proxy too) and the limits per client:
sessions created and messages sent (HTTP and WebSocket), each a token bucket.

Without TRUSTED_PROXY_HEADER the client is the socket's peer. With it (``X-Forwarded-For``,
say), a request whose peer is one of TRUSTED_PROXIES (CIDRs) is the header's rightmost address
that is not itself a trusted proxy: what the last trusted hop saw; anything left of it may have
been written by the client. A peer outside TRUSTED_PROXIES is taken as it is (its header could
be forged). Loopback is not exempt: the tests and benchmarks raise the limits instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers

from api.chat.ratelimit import RateLimiter

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (a bare address is a /32 or /128); ValueError names a bad one."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"not an address or CIDR: {part!r}") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class ClientResolver:
    def __init__(self, header: str | None, proxies: Iterable[Network]) -> None:
        self.header = header.strip().lower() if header and header.strip() else None
        self.proxies = tuple(proxies)

    def _trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in net for net in self.proxies)

    def client(self, peer: str | None, headers: Headers) -> str:
        """The client's address as a key (the peer's text when it is no address at all)."""
        peer = peer or "unknown"
        peer_address = _address(peer)
        if self.header is None or not self._trusted(peer_address):
            return str(peer_address) if peer_address is not None else peer
        hops = [h for value in headers.getlist(self.header) for h in value.split(",")]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # garbage right of the trusted hops: stop trusting there
                break
            if not self._trusted(address):
                return str(address)
        # every hop a trusted proxy (or none, or garbage): the leftmost sound one, or the peer
        for hop in hops:
            address = _address(hop)
            if address is not None:
                return str(address)
        return str(peer_address)


class ClientLimits:
    """The per-client buckets of one app instance."""

    def __init__(
        self,
        resolver: ClientResolver,
        *,
        sessions_per_minute: int,
        sessions_burst: int,
        messages_per_minute: int,
        messages_burst: int,
    ) -> None:
        self.resolver = resolver
        self.sessions = RateLimiter(sessions_per_minute, sessions_burst)
        self.messages = RateLimiter(messages_per_minute, messages_burst)


class TurnSlots:
    """A bound on the turns in flight in this instance (each may wait for the engine): past it
    a message is refused before it is stored (503 with Retry-After) instead of queueing."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0

    def take(self) -> bool:
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def give_back(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

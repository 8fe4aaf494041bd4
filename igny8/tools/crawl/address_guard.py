"""Which addresses the crawler may connect to: public ones only, unless a host or CIDR is allowed by setting.

The check runs on every connection the HTTP client opens (the resolved address is the one connected to), so
a redirect to a private address and a DNS answer that points a public name at one are both refused.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from dataclasses import dataclass

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services answer on these addresses (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)


class AddressRefused(Exception):
    """The URL's host is (or resolves to) an address the crawler must not reach; the text says why."""


def _why_forbidden(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address (0.0.0.0 reaches this machine)"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED_SPACE):
        return "a private address"
    if address.is_multicast or address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


_SHARED_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not private, not public either


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses, plus the hosts and networks listed in IGNY8_CRAWL_ALLOW_PRIVATE."""

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def from_setting(cls, value: str) -> AddressPolicy:
        """``"127.0.0.1, intranet.local, 10.0.0.0/8"`` → a policy; a malformed CIDR is an error that names it."""
        hosts: set[str] = set()
        networks = []
        for item in (part.strip().lower() for part in value.split(",")):
            if not item:
                continue
            if "/" in item:
                try:
                    networks.append(ipaddress.ip_network(item, strict=False))
                except ValueError as exc:
                    raise ValueError(f"IGNY8_CRAWL_ALLOW_PRIVATE: {item!r} is not a CIDR such as 10.0.0.0/8") from exc
            else:
                hosts.add(item.strip("[]"))
        return cls(frozenset(hosts), tuple(networks))

    def _allowed(self, host: str, address: IPAddress) -> bool:
        return (
            host.lower() in self.allowed_hosts
            or str(address) in self.allowed_hosts
            or any(address in network for network in self.allowed_networks)
        )

    def check_address(self, host: str, address: IPAddress) -> None:
        why = _why_forbidden(address)
        if why is not None and not self._allowed(host, address):
            shown = host if host == str(address) else f"{host} ({address})"
            raise AddressRefused(
                f"refused to connect to {shown}: {why}. List the host in IGNY8_CRAWL_ALLOW_PRIVATE only if it is yours"
            )

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, each checked; refused when any is forbidden (a mixed DNS answer
        is a rebinding attempt as likely as a mistake)."""
        bare = host.strip("[]")
        try:
            literal: IPAddress | None = ipaddress.ip_address(bare)
        except ValueError:
            literal = None
        if literal is not None:
            self.check_address(bare, literal)
            return [str(literal)]
        try:
            answers = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {bare}: {exc.strerror}") from exc
        addresses = list(dict.fromkeys(str(answer[4][0]).split("%")[0] for answer in answers))
        for text in addresses:
            self.check_address(bare, ipaddress.ip_address(text))
        return addresses

    def check_url(self, url: str) -> None:
        """Refuse ``url`` before any request when its host is forbidden (a friendlier, earlier message)."""
        parsed = httpx.URL(url)
        if parsed.scheme not in {"http", "https"}:
            raise AddressRefused(f"refused {url}: only http and https addresses are crawled")
        self.resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, and connects to a checked one (no second lookup)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in self.policy.resolve(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: typing.Any, **kwargs: typing.Any) -> httpcore.NetworkStream:
        raise AddressRefused("refused: the crawler does not connect to Unix sockets")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport whose connections go through the address policy. No proxy from the environment
    (a proxy would connect on our behalf, past the check)."""

    def __init__(self, policy: AddressPolicy, *, max_connections: int = 4) -> None:
        super().__init__(trust_env=False, limits=httpx.Limits(max_connections=max_connections))
        # httpx builds its pool without a way to pass a network backend: rebuild it with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            network_backend=_GuardedBackend(policy),
        )

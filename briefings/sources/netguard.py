"""Which addresses a fetch of an untrusted URL may reach: public ones only.

Feed and page addresses come from anyone with Manage Server and from the feeds themselves, so a
fetch must never reach this machine, its network or its cloud's metadata service. The rules are the
standard library's own (`ipaddress` properties), applied to every address a host resolves to, and to
the IPv4 address inside the IPv6 forms that carry one (mapped, NAT64, 6to4). Loopback is allowed
only when the caller says so (tests and local use). Pure: no I/O here; `briefings.sources.web` applies it
to the addresses it resolves and connects to.
"""

from __future__ import annotations

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# RFC 6052: the well-known NAT64 prefix carries an IPv4 address in its last 32 bits; the standard
# library has no property for it (and calls it reserved, which would refuse every public site
# reached through NAT64). RFC 8215's local-use prefix translates to whatever the operator chose.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")

# the parts inet_aton() accepts: decimal, octal (leading 0) or hex (0x) numbers, one to four of them
_NUMERIC_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.I)


class AddressRefused(ValueError):
    """An address a fetch may not reach; the message names it and says why, in one line."""


def refusal(ip: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `ip` may not be reached ("a private address"), or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            why = refusal(inner, allow_loopback=allow_loopback)
            return f"{why} ({inner}) in IPv6 form" if why else None
        if ip in NAT64_LOCAL_USE:
            return "a local-use NAT64 address"
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a site-local address"
    if not ip.is_global:
        return "not a public address"
    return None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped, NAT64 (well-known prefix), 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host spells out, or None for a name. Raises `AddressRefused` for the
    legacy IPv4 spellings (2852039166, 0xa9.0xfe.0xa9.0xfe, 0251.0376.0251.0376, 169.254.43518)
    that the system resolver maps onto an address while looking like no address at all."""
    bare = host.strip("[]")
    if bare.endswith(".") and not bare.endswith(".."):
        bare = bare[:-1]
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare)
        except ValueError:
            raise AddressRefused(f"{host} is not a valid IPv6 address") from None
    parts = bare.split(".")
    if parts and all(_NUMERIC_PART.match(p) for p in parts):
        try:
            return ipaddress.IPv4Address(bare)
        except ValueError:
            raise AddressRefused(f"{host} is an IPv4 address written in a legacy numeric form") from None
    return None


def check_host(host: str, *, allow_loopback: bool = False) -> None:
    """Refuse (with `AddressRefused`) a URL host that is an address no fetch may reach; a name
    passes here and is judged by the addresses it resolves to (`check_resolved`)."""
    ip = literal_address(host)
    if ip is not None:
        why = refusal(ip, allow_loopback=allow_loopback)
        if why:
            raise AddressRefused(f"{host} is {why}")


def check_resolved(host: str, addresses: list[str], *, allow_loopback: bool = False) -> None:
    """Refuse a name that resolves to any address no fetch may reach (one bad address is enough:
    which one a connection would use is not ours to choose)."""
    for text in addresses:
        ip = ipaddress.ip_address(text)
        why = refusal(ip, allow_loopback=allow_loopback)
        if why:
            raise AddressRefused(f"{host} resolves to {ip}, {why}")

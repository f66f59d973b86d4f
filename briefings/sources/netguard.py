"""Which addresses a fetch of an untrusted URL may reach: public ones only.

Feed and page addresses come from anyone with Manage Server and from the feeds themselves, so a
fetch must never reach this machine, its network or its cloud's metadata service. The rules are
IANA's special-purpose address registries themselves (IPv4 and IPv6, RFC 6890), written out below
with their names: an address in any of their blocks is refused, as is IPv4 multicast and anything
outside IPv6's global unicast space (the address-space registries). The standard library's
`is_global` and `is_private` are not used: their answers changed between Python patch releases.
The IPv6 forms that stand for an IPv4 address (IPv4-mapped, NAT64's well-known prefix, 6to4) are
judged by that address. Loopback is allowed only when the caller says so (tests and local use).
Pure: no I/O here; `briefings.sources.web` applies it to the addresses it resolves and connects to.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a registry: its prefix, its name in the registry, where it is defined, and how a
    refusal names an address in it."""

    network: IPNetwork
    name: str
    rfc: str
    what: str


def _table(rows: list[tuple[str, str, str, str]]) -> tuple[Block, ...]:
    blocks = [Block(ipaddress.ip_network(net), name, rfc, what) for net, name, rfc, what in rows]
    return tuple(sorted(blocks, key=lambda b: -b.network.prefixlen))  # the most specific block first


# IANA IPv4 Special-Purpose Address Registry (iana-ipv4-special-registry), every block, as of 2025
IPV4_SPECIAL = _table(
    [
        ("0.0.0.0/8", '"This network"', "RFC 791", 'an address of "this network"'),
        ("0.0.0.0/32", '"This host on this network"', "RFC 1122", "the unspecified address"),
        ("10.0.0.0/8", "Private-Use", "RFC 1918", "a private address"),
        ("100.64.0.0/10", "Shared Address Space", "RFC 6598", "a shared (carrier-grade NAT) address"),
        ("127.0.0.0/8", "Loopback", "RFC 1122", "a loopback address"),
        ("169.254.0.0/16", "Link Local", "RFC 3927", "a link-local address"),
        ("172.16.0.0/12", "Private-Use", "RFC 1918", "a private address"),
        ("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890", "an IETF protocol assignment address"),
        ("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", "an IPv4 service continuity address"),
        ("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", "the IPv4 dummy address"),
        ("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723", "the PCP anycast address"),
        ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155", "the TURN anycast address"),
        ("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880", "a NAT64/DNS64 discovery address"),
        ("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880", "a NAT64/DNS64 discovery address"),
        ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", "a documentation address"),
        ("192.31.196.0/24", "AS112-v4", "RFC 7535", "an AS112 address"),
        ("192.52.193.0/24", "AMT", "RFC 7450", "an AMT relay address"),
        ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", "a deprecated 6to4 relay address"),
        ("192.168.0.0/16", "Private-Use", "RFC 1918", "a private address"),
        ("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534", "an AS112 address"),
        ("198.18.0.0/15", "Benchmarking", "RFC 2544", "a benchmarking address"),
        ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", "a documentation address"),
        ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", "a documentation address"),
        ("240.0.0.0/4", "Reserved", "RFC 1112", "a reserved address"),
        ("255.255.255.255/32", "Limited Broadcast", "RFC 919", "the limited broadcast address"),
    ]
)
# IANA IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry), every block, as of 2025
IPV6_SPECIAL = _table(
    [
        ("::1/128", "Loopback Address", "RFC 4291", "a loopback address"),
        ("::/128", "Unspecified Address", "RFC 4291", "the unspecified address"),
        ("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", "an IPv4-mapped address"),
        ("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", "a NAT64 address"),
        ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", "a local-use NAT64 address"),
        ("100::/64", "Discard-Only Address Block", "RFC 6666", "a discard-only address"),
        ("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", "a dummy address"),
        ("2001::/23", "IETF Protocol Assignments", "RFC 2928", "an IETF protocol assignment address"),
        ("2001::/32", "TEREDO", "RFC 4380", "a Teredo tunnel address"),
        ("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723", "the PCP anycast address"),
        ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155", "the TURN anycast address"),
        ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665", "the DNS-SD SRP anycast address"),
        ("2001:2::/48", "Benchmarking", "RFC 5180", "a benchmarking address"),
        ("2001:3::/32", "AMT", "RFC 7450", "an AMT relay address"),
        ("2001:4:112::/48", "AS112-v6", "RFC 7535", "an AS112 address"),
        ("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", "an ORCHID address"),
        ("2001:20::/28", "ORCHIDv2", "RFC 7343", "an ORCHID address"),
        ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374", "a drone entity tag"),
        ("2001:db8::/32", "Documentation", "RFC 3849", "a documentation address"),
        ("2002::/16", "6to4", "RFC 3056", "a 6to4 address"),
        ("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534", "an AS112 address"),
        ("3fff::/20", "Documentation", "RFC 9637", "a documentation address"),
        ("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", "a segment routing address"),
        ("fc00::/7", "Unique-Local", "RFC 4193", "a private (unique-local) address"),
        ("fe80::/10", "Link-Local Unicast", "RFC 4291", "a link-local address"),
    ]
)
# Outside the special-purpose registries, from IANA's address-space and multicast registries:
# multicast, and (IPv6) everything outside the global unicast space, with the deprecated forms named.
IPV4_MULTICAST = _table([("224.0.0.0/4", "Multicast", "RFC 5771", "a multicast address")])
IPV6_OUTSIDE_UNICAST = _table(
    [
        ("ff00::/8", "Multicast", "RFC 4291", "a multicast address"),
        ("fec0::/10", "Site-Local (deprecated)", "RFC 3879", "a site-local address"),
        ("::/96", "IPv4-compatible (deprecated)", "RFC 4291", "an IPv4-compatible address"),
    ]
)
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
OUTSIDE_GLOBAL_UNICAST = Block(
    GLOBAL_UNICAST, "Global Unicast", "RFC 4291", "an address outside the global unicast space"
)
LOOPBACK = frozenset({ipaddress.IPv4Network("127.0.0.0/8"), ipaddress.IPv6Network("::1/128")})
# the IPv6 blocks that stand for an IPv4 address, judged by it (RFC 6052: NAT64's well-known prefix
# carries it in the last 32 bits; 6to4 in bits 16 to 48; mapped in the last 32)
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")

# the parts inet_aton() accepts: decimal, octal (leading 0) or hex (0x) numbers, one to four of them
_NUMERIC_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.I)


class AddressRefused(ValueError):
    """An address a fetch may not reach; the message names it and says why, in one line. `loopback`:
    this machine's own address, which the caller's setting could allow."""

    def __init__(self, message: str, *, loopback: bool = False) -> None:
        super().__init__(message)
        self.loopback = loopback


def special_block(ip: IPAddress) -> Block | None:
    """The most specific registry block `ip` is in (special-purpose, multicast, or outside IPv6's
    global unicast space), or None for a public address."""
    if isinstance(ip, ipaddress.IPv4Address):
        tables: tuple[tuple[Block, ...], ...] = (IPV4_SPECIAL, IPV4_MULTICAST)
    else:
        ip = ipaddress.IPv6Address(int(ip))  # without a scope ("fe80::1%eth0"): the same address
        tables = (IPV6_SPECIAL,) if ip in GLOBAL_UNICAST else (IPV6_SPECIAL, IPV6_OUTSIDE_UNICAST)
    for table in tables:
        for block in table:
            if ip in block.network:
                return block
    return OUTSIDE_GLOBAL_UNICAST if isinstance(ip, ipaddress.IPv6Address) and ip not in GLOBAL_UNICAST else None


def refusal(ip: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `ip` may not be reached ("a private address (10.0.0.0/8, RFC 1918)"), or None when it is
    a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            block = special_block(inner)
            if block is None or (allow_loopback and block.network in LOOPBACK):
                return None
            return f"{block.what} ({inner}) in IPv6 form ({block.network}, {block.rfc})"
    block = special_block(ip)
    if block is None or (allow_loopback and block.network in LOOPBACK):
        return None
    return f"{block.what} ({block.network}, {block.rfc})"


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped, NAT64 (well-known prefix), 6to4."""
    number = int(ip)
    if number >> 32 == 0xFFFF:  # ::ffff:0:0/96
        return ipaddress.IPv4Address(number & 0xFFFFFFFF)
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(number & 0xFFFFFFFF)
    if number >> 112 == 0x2002:  # 2002::/16
        return ipaddress.IPv4Address((number >> 80) & 0xFFFFFFFF)
    return None


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
            raise AddressRefused(f"{host} is {why}", loopback=refusal(ip, allow_loopback=True) is None)


def check_resolved(host: str, addresses: list[str], *, allow_loopback: bool = False) -> None:
    """Refuse a name that resolves to any address no fetch may reach (one bad address is enough:
    which one a connection would use is not ours to choose)."""
    for text in addresses:
        ip = ipaddress.ip_address(text)
        why = refusal(ip, allow_loopback=allow_loopback)
        if why:
            raise AddressRefused(f"{host} resolves to {ip}, {why}", loopback=refusal(ip, allow_loopback=True) is None)

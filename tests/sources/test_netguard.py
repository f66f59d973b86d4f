"""Which addresses a fetch may reach: the vetting rules on literal addresses and on resolved answers."""

from __future__ import annotations

import ipaddress

import pytest

from briefings.sources.netguard import (
    IPV4_MULTICAST,
    IPV4_SPECIAL,
    IPV6_OUTSIDE_UNICAST,
    IPV6_SPECIAL,
    AddressRefused,
    Block,
    IPAddress,
    check_host,
    check_resolved,
    literal_address,
    refusal,
    special_block,
)

EVERY_BLOCK = [*IPV4_SPECIAL, *IPV6_SPECIAL, *IPV4_MULTICAST, *IPV6_OUTSIDE_UNICAST]
STANDS_FOR_IPV4 = {"::ffff:0:0/96", "64:ff9b::/96", "2002::/16"}  # judged by the IPv4 address inside


@pytest.mark.parametrize("block", EVERY_BLOCK, ids=lambda b: f"{b.network} {b.name}")
def test_every_address_of_every_registry_block_is_refused(block: Block) -> None:
    net = block.network
    for ip in (net.network_address, net.broadcast_address, net.network_address + net.num_addresses // 2):
        found = special_block(ip)
        assert found is not None and found.network.prefixlen >= net.prefixlen  # this block, or one inside it
        if str(net) not in STANDS_FOR_IPV4:
            assert refusal(ip) == f"{found.what} ({found.network}, {found.rfc})"


@pytest.mark.parametrize("block", EVERY_BLOCK, ids=lambda b: f"{b.network} {b.name}")
def test_an_address_just_outside_a_block_is_not_judged_by_it(block: Block) -> None:
    net = block.network
    for ip in (net.network_address - 1 if int(net.network_address) else None, _after(net)):
        if ip is not None:
            assert special_block(ip) != block


def _after(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> IPAddress | None:
    last = int(net.broadcast_address)
    return None if last == 2**net.max_prefixlen - 1 else net.broadcast_address + 1


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "a link-local address (169.254.0.0/16, RFC 3927)"),  # the cloud metadata service
        ("192.0.0.192", "an IETF protocol assignment address (192.0.0.0/24, RFC 6890)"),  # another cloud's
        ("192.0.0.9", "the PCP anycast address (192.0.0.9/32, RFC 7723)"),
        ("192.0.0.170", "a NAT64/DNS64 discovery address (192.0.0.170/32, RFC 8880)"),
        ("192.88.99.1", "a deprecated 6to4 relay address (192.88.99.0/24, RFC 7526)"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "a link-local address (fe80::/10, RFC 4291)"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "a private address (192.168.0.0/16, RFC 1918)"),
        ("fd00:ec2::254", "a private (unique-local) address (fc00::/7, RFC 4193)"),  # AWS's IPv6 metadata address
        ("127.0.0.1", "a loopback address (127.0.0.0/8, RFC 1122)"),
        ("127.255.0.9", "loopback"),
        ("::1", "a loopback address (::1/128, RFC 4291)"),
        ("0.0.0.0", "the unspecified address (0.0.0.0/32, RFC 1122)"),
        ("0.1.2.3", '"this network"'),
        ("::", "the unspecified address (::/128, RFC 4291)"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "a reserved address (240.0.0.0/4, RFC 1112)"),
        ("255.255.255.255", "the limited broadcast address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("198.19.255.255", "a benchmarking address"),
        ("fec0::1", "site-local"),
        ("2001:db8::1", "a documentation address (2001:db8::/32, RFC 3849)"),
        ("3fff::1", "a documentation address (3fff::/20, RFC 9637)"),
        ("2001:2::1", "a benchmarking address"),
        ("100::1", "a discard-only address"),
        ("5f00::1", "a segment routing address"),
        # IPv6 forms that carry an IPv4 address are judged by that address
        ("::ffff:169.254.169.254", "a link-local address (169.254.169.254) in IPv6 form (169.254.0.0/16, RFC 3927)"),
        ("::ffff:192.0.0.192", "an IETF protocol assignment address (192.0.0.192) in IPv6 form"),
        ("::ffff:10.1.2.3", "private address (10.1.2.3) in IPv6 form"),
        ("::ffff:127.0.0.1", "loopback address (127.0.0.1) in IPv6 form"),
        ("64:ff9b::a9fe:a9fe", "link-local address (169.254.169.254) in IPv6 form"),  # NAT64
        ("64:ff9b::c0a8:101", "private address (192.168.1.1) in IPv6 form"),
        ("64:ff9b::7f00:1", "loopback address (127.0.0.1) in IPv6 form"),
        ("2002:a9fe:a9fe::1", "link-local address (169.254.169.254) in IPv6 form"),  # 6to4
        ("2002:c0a8:0101::1", "private address (192.168.1.1) in IPv6 form"),
        ("2002:c000:c0::1", "an IETF protocol assignment address (192.0.0.192) in IPv6 form"),
        ("64:ff9b:1::a9fe:a9fe", "local-use NAT64"),
        ("::a9fe:a9fe", "an IPv4-compatible address (::/96, RFC 4291)"),  # deprecated: refused whatever it holds
        ("::808:808", "IPv4-compatible"),
        ("::ffff:0:a9fe:a9fe", "outside the global unicast space (2000::/3"),  # IPv4-translated (SIIT)
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),  # whatever address it carries
        ("2001:0:c0a8:101::1", "Teredo"),
    ],
)
def test_addresses_no_fetch_may_reach(address: str, why: str) -> None:
    result = refusal(ipaddress.ip_address(address))
    assert result is not None and why in result


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "192.0.1.1",  # next to 192.0.0.0/24
        "100.128.0.1",  # past the shared space
        "2606:4700::1111",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "::ffff:1.1.1.1",
        "2001:200::1",  # past 2001::/23
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_loopback_only_when_allowed_and_nothing_else_with_it() -> None:
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1"):
        assert refusal(ipaddress.ip_address(address), allow_loopback=True) is None
        assert refusal(ipaddress.ip_address(address)) is not None
    for block in EVERY_BLOCK:
        if str(block.network) in {"127.0.0.0/8", "::1/128", *STANDS_FOR_IPV4}:
            continue
        ip = block.network.network_address + block.network.num_addresses // 2
        assert refusal(ip, allow_loopback=True) is not None, ip


@pytest.mark.parametrize(
    "host",
    [
        "2852039166",  # 169.254.169.254 as one decimal number
        "0xa9.0xfe.0xa9.0xfe",  # hex parts
        "0251.0376.0251.0376",  # octal parts
        "169.254.43518",  # three parts, the last 16 bits
        "0xA9FEA9FE",
        "127.1",
        "2130706433",  # 127.0.0.1: refused even where loopback is allowed
        "010.0.0.1",  # a leading zero is octal to inet_aton
    ],
)
def test_legacy_numeric_ipv4_forms_are_refused_outright(host: str) -> None:
    with pytest.raises(AddressRefused, match="legacy numeric form"):
        check_host(host, allow_loopback=True)


def test_hosts_as_urls_spell_them() -> None:
    with pytest.raises(AddressRefused, match=r"169\.254\.169\.254\. is a link-local address"):
        check_host("169.254.169.254.")  # a trailing dot is the same address
    with pytest.raises(AddressRefused, match="link-local"):
        check_host("[::ffff:169.254.169.254]")
    with pytest.raises(AddressRefused, match="private"):
        check_host("fd00:ec2::254")
    with pytest.raises(AddressRefused, match="not a valid IPv6"):
        check_host("[fe80::zz]")
    check_host("127.0.0.1", allow_loopback=True)
    check_host("93.184.216.34")
    for name in ("example.com", "bad.cafe", "0x.example", "1.2.3.4.example", "localhost"):
        assert literal_address(name) is None  # names are judged by what they resolve to
        check_host(name)


def test_a_name_is_refused_when_any_address_it_resolves_to_is() -> None:
    check_resolved("news.example", ["93.184.216.34", "2606:2800:220:1::1"])
    with pytest.raises(AddressRefused, match=r"rebind\.example resolves to 169\.254\.169\.254, a link-local address"):
        check_resolved("rebind.example", ["93.184.216.34", "169.254.169.254"])
    with pytest.raises(AddressRefused, match="loopback"):
        check_resolved("localhost", ["127.0.0.1", "::1"])
    check_resolved("localhost", ["127.0.0.1", "::1"], allow_loopback=True)
    with pytest.raises(AddressRefused, match=r"::ffff:a9fe:a9fe, a link-local address \(169\.254\.169\.254\)"):
        check_resolved("mapped.example", ["::ffff:169.254.169.254"], allow_loopback=True)
    with pytest.raises(AddressRefused, match="private"):
        check_resolved("intranet.example", ["fd12:3456::1"])

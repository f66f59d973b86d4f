"""Which addresses a fetch may reach: the vetting rules on literal addresses and on resolved answers."""

from __future__ import annotations

import ipaddress

import pytest

from briefings.sources.netguard import AddressRefused, check_host, check_resolved, literal_address, refusal


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00:ec2::254", "private"),  # AWS's IPv6 metadata address
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "address"),  # reserved; the standard library calls it private
        ("255.255.255.255", "private"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("fec0::1", "site-local"),
        ("2001:db8::1", "private"),  # documentation
        # IPv6 forms that carry an IPv4 address are judged by that address
        ("::ffff:169.254.169.254", "link-local address (169.254.169.254) in IPv6 form"),
        ("::ffff:10.1.2.3", "private address (10.1.2.3) in IPv6 form"),
        ("::ffff:127.0.0.1", "loopback address (127.0.0.1) in IPv6 form"),
        ("64:ff9b::a9fe:a9fe", "link-local address (169.254.169.254) in IPv6 form"),  # NAT64
        ("64:ff9b::7f00:1", "loopback address (127.0.0.1) in IPv6 form"),
        ("2002:a9fe:a9fe::1", "link-local address (169.254.169.254) in IPv6 form"),  # 6to4
        ("2002:c0a8:0101::1", "private address (192.168.1.1) in IPv6 form"),
        ("64:ff9b:1::a9fe:a9fe", "local-use NAT64"),
        ("::a9fe:a9fe", "reserved"),  # IPv4-compatible (deprecated)
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ],
)
def test_addresses_no_fetch_may_reach(address: str, why: str) -> None:
    result = refusal(ipaddress.ip_address(address))
    assert result is not None and why in result


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:1.1.1.1"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_loopback_only_when_allowed_and_nothing_else_with_it() -> None:
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1"):
        assert refusal(ipaddress.ip_address(address), allow_loopback=True) is None
        assert refusal(ipaddress.ip_address(address)) is not None
    for address in ("169.254.169.254", "10.0.0.1", "0.0.0.0", "::"):
        assert refusal(ipaddress.ip_address(address), allow_loopback=True) is not None


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

"""Fetching untrusted addresses: one HTTP session that reaches public addresses only, GET with caps.

The session's connector judges every connection it opens, the first and each redirect's: an address
written in the URL is checked as it is, a name by every address it resolves to, and the connection
goes to the addresses that were checked (aiohttp connects to what its resolver returned; no second
lookup an attacker's DNS could answer differently). The rules are `briefings.sources.netguard`'s.
"""

from __future__ import annotations

import logging
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict

from briefings import __version__
from briefings.sources.netguard import AddressRefused, check_host, check_resolved

if TYPE_CHECKING:
    from aiohttp.client_reqrep import ClientRequest
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace

log = logging.getLogger(__name__)

USER_AGENT = f"briefings/{__version__} (self-hosted news briefing bot; feed reader)"
MAX_REDIRECTS = 5
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid|taid)$", re.I)


class FetchError(RuntimeError):
    """A fetch that failed; the message says why in one sentence."""


class VettingResolver(AbstractResolver):
    """aiohttp's own resolver, refusing a name that resolves to an address no fetch may reach."""

    def __init__(self, *, allow_loopback: bool, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or aiohttp.DefaultResolver()
        self._allow_loopback = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        check_resolved(host, [r["host"] for r in found], allow_loopback=self._allow_loopback)
        return found

    async def close(self) -> None:
        await self._inner.close()


class VettingConnector(aiohttp.TCPConnector):
    """A TCP connector that checks the host of every connection it opens (names by the resolver)."""

    def __init__(self, *, allow_loopback: bool, resolver: AbstractResolver | None = None, **kwargs: Any) -> None:
        super().__init__(resolver=VettingResolver(allow_loopback=allow_loopback, inner=resolver), **kwargs)
        self._briefings_allow_loopback = allow_loopback

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - aiohttp's own signature
    ) -> Connection:
        check_host(req.url.raw_host or "", allow_loopback=self._briefings_allow_loopback)
        return await super().connect(req, traces, timeout)


def make_session(
    timeout_seconds: float, *, allow_loopback: bool = False, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """The one HTTP session of a process for untrusted addresses: created at start-up and passed to
    whatever fetches. `allow_loopback` lets it reach this machine (tests and local use only);
    `resolver` answers the lookups that are vetted (aiohttp's default resolver otherwise)."""
    timeout = aiohttp.ClientTimeout(total=timeout_seconds, connect=min(10.0, timeout_seconds))
    return aiohttp.ClientSession(
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        connector=VettingConnector(allow_loopback=allow_loopback, resolver=resolver),
        trust_env=False,  # a proxy from the environment would make the connections, unchecked
    )


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def check_url(url: str) -> None:
    """Refuse, with a `FetchError`, what is not an http(s) address or names an address never
    reached (a loopback address is left to the session, which may allow it)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not host:
        raise FetchError(f"'{url}' is not an http(s) address")
    try:
        check_host(host, allow_loopback=True)
    except AddressRefused as exc:
        raise FetchError(_refused(exc)) from None


def _refused(exc: AddressRefused) -> str:
    allow = "; BRIEFINGS_ALLOW_LOOPBACK=true lets this machine's own addresses through" if exc.loopback else ""
    return f"refused: {exc}; only public addresses are fetched{allow}"


@dataclass
class Fetched:
    status: int
    body: bytes
    content_type: str
    charset: str | None  # as the Content-Type header declares it
    url: str
    headers: CIMultiDict[str]  # case-insensitive, as HTTP headers are


async def fetch(
    session: aiohttp.ClientSession, url: str, *, max_bytes: int, headers: dict[str, str] | None = None
) -> Fetched:
    """GET with a size cap and a redirect limit; raises FetchError with a one-line reason. The session
    must be one `make_session` made: its connector is what keeps every connection to public addresses."""
    if not isinstance(session.connector, VettingConnector):
        raise TypeError("fetch() needs a session from make_session(), whose connector vets every address")
    check_url(url)
    try:
        async with session.get(
            url,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            max_redirects=MAX_REDIRECTS,
            allow_redirects=True,
        ) as resp:
            if resp.status == 304:
                return Fetched(304, b"", "", None, str(resp.url), CIMultiDict(resp.headers))
            if resp.status >= 400:
                raise FetchError(f"the server answered {resp.status} {resp.reason or ''}".strip())
            declared = _content_length(resp)
            if declared is not None and declared > max_bytes:
                raise FetchError(f"the body is {declared:,} bytes, over the {max_bytes:,}-byte limit")
            body = bytearray()
            async for chunk in resp.content.iter_chunked(65536):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"the body is over the {max_bytes:,}-byte limit")
            return Fetched(
                resp.status,
                bytes(body),
                resp.content_type or "",
                _charset(resp),
                str(resp.url),
                CIMultiDict(resp.headers),
            )
    except AddressRefused as exc:
        raise FetchError(_refused(exc)) from None
    except aiohttp.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except TimeoutError:
        raise FetchError("the server did not answer in time") from None
    except aiohttp.ClientError as exc:
        raise FetchError(f"the connection failed ({exc.__class__.__name__}: {exc})") from None


def _content_length(resp: aiohttp.ClientResponse) -> int | None:
    try:
        return resp.content_length
    except ValueError:  # not a number: the body's own length decides
        return None


def _charset(resp: aiohttp.ClientResponse) -> str | None:
    try:
        return resp.charset
    except (ValueError, LookupError):  # a malformed Content-Type: as if none were declared
        return None

"""A minimal HTTP client (urllib): no proxies, no redirects followed, errors returned as status."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Response:
    """Status, headers and body of one answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body.decode("utf-8"))

    def text(self) -> str:
        """The body as text (for error messages; never holds a password we sent)."""
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 30.0,
) -> Response:
    """Send one request; any HTTP status is returned, connection failures raise `OSError`."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    try:
        with _OPENER.open(req, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, dict(exc.headers.items()), exc.read())
    except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
        raise OSError(f"{method} {url}: {exc}") from exc


def json_request(
    method: str, url: str, body: object, headers: dict[str, str], timeout: float = 60.0
) -> Response:
    """A request with a JSON body."""
    data = json.dumps(body).encode("utf-8")
    return request(
        method,
        url,
        headers={"Content-Type": "application/json", **headers},
        data=data,
        timeout=timeout,
    )

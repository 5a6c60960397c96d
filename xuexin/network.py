"""Where a request came from, as every log line, login event and access-log row keeps it."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def truncated_ip(raw: str | None) -> str:
    """Keep the network, drop the host part: enough for "was this me?", not for tracking."""
    try:
        address = ipaddress.ip_address(raw or "")
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return str(network)


def request_network(request: HttpRequest) -> str:
    """The truncated network the request came from (REMOTE_ADDR, set by the proxy middleware)."""
    return truncated_ip(request.META.get("REMOTE_ADDR"))

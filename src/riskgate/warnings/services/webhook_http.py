"""The one way a webhook leaves the server: the receiver's host is resolved once, every address it resolves to
is checked (public unless RISKGATE_WEBHOOK_ALLOW_PRIVATE), and the connection goes to that checked address —
never to what a second lookup might answer (DNS rebinding). HTTPS still verifies the certificate against the
host name. Redirects are not followed: a 3xx answer is the receiver's answer, so a receiver cannot send the
request on to an address inside the agency's network."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _refused(message) -> ValidationError:
    return ValidationError({"webhook_url": [message]})


def checked_address(url: str) -> str:
    """The address to connect to for `url`, after checking every address its host resolves to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(_("Webhook 地址须为 http(s) 地址。"))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise _refused(_("无法解析 Webhook 地址的主机名。")) from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise _refused(_("无法解析 Webhook 地址的主机名。"))
    if not getattr(settings, "RISKGATE_WEBHOOK_ALLOW_PRIVATE", False):
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise _refused(_("Webhook 地址不能指向内部网络。"))
    return addresses[0]


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float = 10) -> int:
    """POST to the checked address of `url`; the HTTP status (3xx included: not followed). OSError on network
    failures; ValidationError if the address is not allowed."""
    address = checked_address(url)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    connection = (_PinnedTLS if https else _Pinned)(parts.hostname, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the receiver's answer is not kept; read a little so the connection closes cleanly
        return response.status
    finally:
        connection.close()

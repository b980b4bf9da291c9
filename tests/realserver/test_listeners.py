"""The loopback check itself: it must see a wildcard listener, or the real test proves nothing."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.realserver.listeners import (
    decode_address,
    is_loopback,
    listening_sockets,
    parse_listeners,
)

# Lines in the format of /proc/net/tcp and /proc/net/tcp6 (inode is field 10).
TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:46A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1
   1: 00000000:47D5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1
   2: 0100007F:46A0 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1003 1
   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9999 1
"""
TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:4844 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1
   1: 00000000000000000000000000000000:4845 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2002 1
   2: 0000000000000000FFFF00000100007F:4846 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2003 1
"""  # noqa: E501


def test_decodes_ipv4_and_ipv6_addresses() -> None:
    assert decode_address("0100007F:46A0") == ("127.0.0.1", 18080)
    assert decode_address("00000000000000000000000001000000:4844") == ("::1", 18500)
    mapped, port = decode_address("0000000000000000FFFF00000100007F:4846")
    assert ipaddress.ip_address(mapped) == ipaddress.ip_address("::ffff:127.0.0.1")
    assert port == 18502 and is_loopback(mapped)


def test_only_listening_sockets_of_the_process_count() -> None:
    assert parse_listeners(TCP, {1001, 1002, 1003}) == [("127.0.0.1", 18080), ("0.0.0.0", 18389)]


def test_wildcard_listeners_are_flagged() -> None:
    found = parse_listeners(TCP, {1001, 1002}) + parse_listeners(TCP6, {2001, 2002, 2003})
    exposed = [(host, port) for host, port in found if not is_loopback(host)]
    assert exposed == [("0.0.0.0", 18389), ("::", 18501)]


def test_sees_a_real_listener_of_this_process() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert ("127.0.0.1", port) in listening_sockets(os.getpid())


ISOLATED_WILDCARD = """
import os, socket, sys
sys.path.insert(0, sys.argv[1])
from tests.realserver.listeners import is_loopback, listening_sockets
server = socket.socket()
server.bind(("0.0.0.0", 0))
server.listen()
port = server.getsockname()[1]
found = listening_sockets(os.getpid())
assert ("0.0.0.0", port) in found, found
assert not is_loopback("0.0.0.0")
print("flagged", port)
"""


def test_flags_a_real_wildcard_listener_in_a_private_network_namespace() -> None:
    """A real 0.0.0.0 listener is seen, in a namespace where it reaches nothing but itself."""
    repo = str(Path(__file__).resolve().parents[2])
    commands = [["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]]
    results = [
        subprocess.run(
            [*prefix, sys.executable, "-c", ISOLATED_WILDCARD, repo],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for prefix in (commands if os.geteuid() == 0 else commands[1:])
    ]
    assert any(r.returncode == 0 and r.stdout.startswith("flagged") for r in results), [
        (r.returncode, r.stdout, r.stderr[-500:]) for r in results
    ]

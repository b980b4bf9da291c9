"""Which TCP addresses a process tree listens on, read from /proc (no `ss` needed).

`listening_sockets(pid)` covers the process and all its descendants, through the socket inodes
in their `/proc/<pid>/fd` and the process's own view of `/proc/<pid>/net/tcp{,6}`.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

LISTEN = "0A"


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def socket_inodes(pid: int) -> set[int]:
    """Inodes of the sockets a process holds open."""
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def decode_address(hex_address: str) -> tuple[str, int]:
    """`0100007F:1F90` -> (`127.0.0.1`, 8080); IPv6 as four little-endian 32-bit words."""
    host_hex, port_hex = hex_address.split(":")
    raw = bytes.fromhex(host_hex)
    host = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(host)), int(port_hex, 16)


def parse_listeners(table: str, inodes: set[int]) -> list[tuple[str, int]]:
    """Listening (state 0A) entries of a /proc/net/tcp{,6} table whose inode is in `inodes`."""
    found = []
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 9 and fields[3] == LISTEN and int(fields[9]) in inodes:
            found.append(decode_address(fields[1]))
    return found


def listening_sockets(pid: int) -> list[tuple[str, int]]:
    """Every (address, port) the process tree of `pid` listens on."""
    found: list[tuple[str, int]] = []
    for each in descendants(pid):
        try:
            inodes = socket_inodes(each)
            tables = [Path(f"/proc/{each}/net/{t}").read_text() for t in ("tcp", "tcp6")]
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended since it was listed (a short-lived child): it listens on nothing
        for table in tables:
            found.extend(parse_listeners(table, inodes))
    return sorted(set(found))


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1, or an IPv4-mapped loopback address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback

"""Downloads (Maven) and the unconfigured instance: Tomcat unpacked, the WAR exploded, server.xml.

Nothing here starts a process except `mvn`. The instance is rebuilt from scratch whenever it is
not fully configured, so a half-finished configuration is never reused.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from openam_server.layout import TOMCAT_ARTIFACT, WAR_ARTIFACT, Layout, ManagerError, Ports

log = logging.getLogger("openam")
PLUGGABLE = (
    "META-INF/web-fragment.xml",
    "META-INF/services/jakarta.servlet.ServletContainerInitializer",
)


def artifact_path(layout: Layout, coordinates: str) -> Path:
    """Where `mvn dependency:get` puts `group:artifact:version:type` in our local repository."""
    group, artifact, version, kind = coordinates.split(":")
    folder = layout.m2.joinpath(*group.split("."), artifact, version)
    return folder / f"{artifact}-{version}.{kind}"


def ensure_artifact(layout: Layout, coordinates: str) -> Path:
    """Download one artifact into `<cache>/m2` unless it is already there."""
    path = artifact_path(layout, coordinates)
    if path.is_file():
        return path
    command = [
        "mvn",
        "-q",
        "-B",
        "dependency:get",
        "-Dtransitive=false",
        f"-Dmaven.repo.local={layout.m2}",
        f"-Dartifact={coordinates}",
    ]
    log.info("downloading %s with mvn", coordinates)
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0 or not path.is_file():
        tail = (result.stdout + result.stderr).strip()[-2000:]
        raise ManagerError(
            f"mvn could not download {coordinates} (exit {result.returncode}): {tail}"
        )
    return path


def ensure_downloads(layout: Layout) -> tuple[Path, Path]:
    """The OpenAM WAR and the Tomcat archive, downloaded if missing."""
    return ensure_artifact(layout, WAR_ARTIFACT), ensure_artifact(layout, TOMCAT_ARTIFACT)


def build_instance(layout: Layout, ports: Ports, shutdown_command: str) -> None:
    """A fresh, unconfigured instance: any previous (half-)configured one is removed first."""
    war, tomcat_archive = ensure_downloads(layout)
    wipe_instance(layout)
    log.info("unpacking Tomcat and the OpenAM WAR into %s", layout.instance)
    layout.instance.mkdir(parents=True)
    for folder in (layout.config, layout.home):
        folder.mkdir(mode=0o700)
    _unpack_tomcat(tomcat_archive, layout.tomcat)
    _link_logs(layout)
    with zipfile.ZipFile(war) as archive:
        archive.extractall(layout.webapp)  # noqa: S202 (zipfile drops absolute and .. parts)
    write_tomcat_config(layout, ports, shutdown_command)


def write_tomcat_config(layout: Layout, ports: Ports, shutdown_command: str) -> None:
    """server.xml and context.xml, rewritten at every start so fixes reach existing instances."""
    conf = layout.tomcat / "conf"
    (conf / "server.xml").write_text(server_xml(ports, shutdown_command), encoding="utf-8")
    tld, pluggable = scan_jars(layout.webapp / "WEB-INF" / "lib")
    (conf / "context.xml").write_text(context_xml(tld, pluggable), encoding="utf-8")


def scan_jars(lib: Path) -> tuple[list[str], list[str]]:
    """(jars holding TLDs, jars holding a web-fragment or a ServletContainerInitializer)."""
    tld, pluggable = [], []
    for jar in sorted(lib.glob("*.jar")):
        with zipfile.ZipFile(jar) as archive:
            names = archive.namelist()
        if any(name.endswith(".tld") for name in names):
            tld.append(jar.name)
        if any(name.endswith(PLUGGABLE) for name in names):
            pluggable.append(jar.name)
    return tld, pluggable


def context_xml(tld: list[str], pluggable: list[str]) -> str:
    """Tomcat scans only the jars that need it (about 400 otherwise: ~1 min of every start).

    OpenAM declares its servlets, filters and listeners in web.xml (its sources have no
    @WebServlet/@WebFilter/@WebListener), so annotation scanning of other jars finds nothing.
    """
    tld_jars, pluggable_jars = quoteattr(",".join(tld)), quoteattr(",".join(pluggable))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/openam. -->
<Context>
  <WatchedResource>WEB-INF/web.xml</WatchedResource>
  <JarScanner>
    <JarScanFilter defaultTldScan="false" tldScan={tld_jars}
                   defaultPluggabilityScan="false" pluggabilityScan={pluggable_jars} />
  </JarScanner>
</Context>
"""


def wipe_instance(layout: Layout) -> None:
    """Remove the instance (server, OpenAM and OpenDJ data); downloads and credentials stay."""
    if layout.instance.exists():
        shutil.rmtree(layout.instance)


def _unpack_tomcat(archive: Path, dest: Path) -> None:
    """Unpack `apache-tomcat-<v>/...` as `dest/...`, without its sample web applications."""
    with tarfile.open(archive) as tar:
        members = []
        for member in tar.getmembers():
            _, _, rest = member.name.partition("/")
            if not rest or rest.startswith("webapps/"):
                continue
            member.name = rest
            members.append(member)
        tar.extractall(dest, members=members, filter="data")
    (dest / "webapps").mkdir(exist_ok=True)


def _link_logs(layout: Layout) -> None:
    """Tomcat's logs/ is a link into `<cache>/logs/tomcat`, which outlives instance rebuilds."""
    target = layout.logs / "tomcat"
    target.mkdir(parents=True, exist_ok=True)
    logs = layout.tomcat / "logs"
    if logs.is_dir() and not logs.is_symlink():
        shutil.rmtree(logs)
    logs.symlink_to(target)


def server_xml(ports: Ports, shutdown_command: str) -> str:
    """One HTTP connector and the shutdown port, both on 127.0.0.1; no AJP, no TLS, no samples."""
    if not shutdown_command.isalnum():
        raise ManagerError("the Tomcat shutdown command must be alphanumeric")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/openam: loopback only. -->
<Server port="{ports.shutdown}" address="127.0.0.1" shutdown={quoteattr(shutdown_command)}>
  <Listener className="org.apache.catalina.startup.VersionLoggerListener" />
  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener" />
  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener" />
  <Service name="Catalina">
    <Connector port="{ports.http}" address="127.0.0.1" protocol="HTTP/1.1"
               connectionTimeout="20000" maxThreads="50" />
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
"""

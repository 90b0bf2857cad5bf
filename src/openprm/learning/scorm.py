"""SCORM 1.2 packages: the manifest read and checked, the zip checked before a byte
is unpacked (no path outside the package, no links, limits on size and number of
files), and a tiny package builder for tests and the demo. No I/O besides the
zip given; storing the files is the services' business."""

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed

MAX_FILES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
# A member that claims to compress better than this is a zip bomb.
MAX_RATIO = 200


@dataclass(frozen=True)
class Manifest:
    identifier: str
    title: str
    # The launch file of the first SCO, relative to the package's root.
    entry: str


@dataclass(frozen=True)
class CheckedPackage:
    manifest: Manifest
    # (member name in the zip, path inside the package)
    members: tuple[tuple[str, str], ...]
    size: int


def _refuse(message) -> ValidationFailed:
    return ValidationFailed(field_errors={"file": [str(message)]})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def safe_path(name: str) -> str | None:
    """The member's path inside the package, or None when it would land outside it
    (``../``, an absolute path, a drive letter, a backslash)."""
    if not name or "\\" in name or name.startswith("/") or ":" in name.split("/")[0]:
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal == ".." or normal.startswith("/"):
        return None
    if any(part == ".." for part in name.split("/")):
        return None
    return normal


def parse_manifest(data: bytes) -> Manifest:
    """The package's identifier, title and launch file from ``imsmanifest.xml``;
    a clear refusal when it is malformed or names no launchable resource."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _refuse(
            _("imsmanifest.xml may not declare a DOCTYPE or entities.")
        ) from None
    except ParseError as error:
        raise _refuse(
            _("imsmanifest.xml is not well-formed XML (%(error)s).") % {"error": error}
        ) from None
    if _local(root.tag) != "manifest":
        raise _refuse(_("imsmanifest.xml does not start with a <manifest> element."))
    identifier = root.get("identifier", "").strip()
    resources = {
        resource.get("identifier", ""): resource
        for block in _children(root, "resources")
        for resource in _children(block, "resource")
    }
    title = ""
    entry = ""
    for organizations in _children(root, "organizations"):
        for organization in _children(organizations, "organization"):
            for node in _children(organization, "title"):
                title = title or (node.text or "").strip()
            for item in organization.iter():
                if _local(item.tag) != "item" or not item.get("identifierref"):
                    continue
                resource = resources.get(item.get("identifierref"))
                if resource is not None and resource.get("href"):
                    entry = resource.get("href")
                    break
            if entry:
                break
    if not entry:
        # A package without organizations: its first resource with a launch file.
        entry = next(
            (res.get("href") for res in resources.values() if res.get("href")), ""
        )
    if not entry:
        raise _refuse(_("The manifest names no resource to launch (an href)."))
    entry = entry.split("?", 1)[0].split("#", 1)[0]
    if safe_path(entry) is None:
        raise _refuse(_("The manifest's launch file lies outside the package."))
    return Manifest(identifier=identifier or "package", title=title, entry=entry)


def check_package(
    file, *, max_files: int = MAX_FILES, max_bytes: int = MAX_UNPACKED_BYTES
):
    """The package as a :class:`CheckedPackage`, or a ``ValidationFailed`` on
    ``file`` naming the problem; nothing is unpacked here."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(_("The file is not a zip archive.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_files:
            raise _refuse(
                _("The package holds more than %(count)s files.") % {"count": max_files}
            )
        members: list[tuple[str, str]] = []
        total = 0
        for info in infos:
            path = safe_path(info.filename)
            if path is None:
                raise _refuse(
                    _("The package holds a path outside itself: %(name)s")
                    % {"name": info.filename}
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _refuse(
                    _("The package holds a symbolic link: %(name)s")
                    % {"name": info.filename}
                )
            if info.is_dir():
                continue
            total += info.file_size
            if total > max_bytes:
                raise _refuse(
                    _("The package unpacks to more than %(size)s MB.")
                    % {"size": max_bytes // (1024 * 1024)}
                )
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise _refuse(
                    _(
                        "The package holds a file that unpacks suspiciously large: "
                        "%(name)s"
                    )
                    % {"name": info.filename}
                )
            members.append((info.filename, path))
        names = {path for _name, path in members}
        if "imsmanifest.xml" not in names:
            raise _refuse(
                _("The package has no imsmanifest.xml at its root: is it SCORM?")
            )
        manifest_info = archive.getinfo(
            next(name for name, path in members if path == "imsmanifest.xml")
        )
        if manifest_info.file_size > MAX_MANIFEST_BYTES:
            raise _refuse(_("imsmanifest.xml is too large."))
        manifest = parse_manifest(archive.read(manifest_info))
        if manifest.entry not in names:
            raise _refuse(
                _("The manifest's launch file %(entry)s is not in the package.")
                % {"entry": manifest.entry}
            )
    return CheckedPackage(manifest=manifest, members=tuple(members), size=total)


# --- a tiny package, for the tests and the demo

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="item1" identifierref="sco1"><title>{title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormtype="sco"
      href="index.html"><file href="index.html"/><file href="sco.js"/></resource>
  </resources>
</manifest>
"""

_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="sco.js"></script></head>
<body><h1>{title}</h1><p>{text}</p>
<p><label for="score">Score</label>
<input id="score" type="number" value="{score}" min="0" max="100"></p>
<button id="finish" type="button">Finish the module</button>
<p id="state"></p></body></html>
"""

# The SCO finds the runtime in its parent (the player), sets its status, score
# and time, and finishes.
_SCO_JS = """(function () {
  function findAPI(win) {
    var tries = 0;
    while (!win.API && win.parent && win.parent !== win && tries < 10) {
      win = win.parent; tries += 1;
    }
    return win.API || null;
  }
  var api = findAPI(window);
  var started = Date.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function spent() {
    var s = Math.max(1, Math.round((Date.now() - started) / 1000));
    var h = pad(Math.floor(s / 3600)), m = pad(Math.floor(s / 60) % 60);
    return h + ":" + m + ":" + pad(s % 60);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var state = document.getElementById("state");
    if (!api) { state.textContent = "No LMS found."; return; }
    api.LMSInitialize("");
    var before = api.LMSGetValue("cmi.core.lesson_status");
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    api.LMSSetValue("cmi.suspend_data", "page=1");
    api.LMSCommit("");
    state.textContent = "Started (" + before + ").";
    document.getElementById("finish").addEventListener("click", function () {
      var score = document.getElementById("score").value;
      api.LMSSetValue("cmi.core.score.raw", score);
      var passed = Number(score) >= {pass_score};
      api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
      api.LMSSetValue("cmi.core.session_time", spent());
      api.LMSSetValue("cmi.core.exit", "");
      var done = api.LMSFinish("");
      state.textContent =
        done === "true" ? "Finished." : "Error " + api.LMSGetLastError();
    });
  });
})();
"""


def build_package(
    *,
    title: str = "Product tour",
    text: str = "A short interactive module.",
    identifier: str = "openprm-demo",
    score: int = 90,
    pass_score: int = 80,
    extra: dict[str, bytes] | None = None,
    manifest: str | None = None,
) -> bytes:
    """A valid SCORM 1.2 zip (one SCO that reports its status, score and time) in
    memory; ``extra`` adds members as given, ``manifest`` replaces the manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "imsmanifest.xml",
            manifest
            if manifest is not None
            else _MANIFEST.format(identifier=identifier, title=title),
        )
        archive.writestr(
            "index.html", _INDEX.format(title=title, text=text, score=score)
        )
        archive.writestr("sco.js", _SCO_JS.replace("{pass_score}", str(pass_score)))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()

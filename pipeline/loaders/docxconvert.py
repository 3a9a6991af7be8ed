"""Legacy Word .doc (OLE2) to .docx bytes through a headless LibreOffice, within a time limit.

Why a subprocess: no Python library reads .doc with its lists, tables and legacy fonts intact;
LibreOffice writes a .docx that the DOCX loader then reads like any other.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import LoadError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SOFFICE_TIMEOUT = 180  # seconds for one .doc -> .docx conversion


def convert_doc_to_docx(data: bytes, path: Path | str, *, timeout: float = SOFFICE_TIMEOUT) -> bytes:
    """Legacy Word .doc (OLE2) -> .docx bytes through a headless LibreOffice, within `timeout`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise LoadError("legacy .doc needs LibreOffice (apt-get install libreoffice-writer)", path=str(path))
    with tempfile.TemporaryDirectory(prefix="baocao-doc-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        # A private profile per call: parallel workers must not share one, and HOME may be unset or
        # read-only (a service account); LibreOffice writes its profile there, not under HOME.
        profile = Path(tmp) / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(src),
        ]
        # soffice is a launcher that starts soffice.bin: run it in a session of its own so that a
        # timeout ends the whole group, not only the launcher (soffice.bin would keep the profile).
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as e:
            _kill_group(proc)
            raise LoadError(
                f"LibreOffice did not convert the .doc within {timeout:g} s", path=str(path)
            ) from e
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise LoadError(
                "LibreOffice could not convert the .doc (damaged or not a Word file)", path=str(path)
            )
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

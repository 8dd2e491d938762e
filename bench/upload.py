"""The upload path (content checks + encryption + storage + the database record) and the download
path (streamed decryption with every integrity check), for 20 MB and 200 MB PDFs, each against a
plain copy of the same bytes measured in the same run: read the source in 1 MiB pieces and write
them to a file in the same storage folder with fsync (what LocalStorage does, minus encryption).

Prints MB/s for both, their ratio (goal: at least 40% of plain-copy throughput) and the peak
resident memory above the level before each run (goal: under 100 MB at 200 MB, not growing with
the file size). Peak memory is the kernel's high-water mark, reset before each measurement."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from sqlmodel import select

from bench.common import database, timed
from models import DocumentRequest, DocumentVersion
from portal_app.services.documents import checklists, uploads
from portal_app.services.files import store as filestore
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import records as matters

MB = 1024 * 1024
SIZES_MB = (20, 200)
PIECE = MB
ROUNDS = 2  # best of


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0


def _measure(fn, *args) -> tuple[float, int]:
    """(seconds, peak RSS above the starting RSS) of the best of ROUNDS runs."""
    best, peak = float("inf"), 0
    for _ in range(ROUNDS):
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
        except OSError:
            pass
        start_rss = _status("VmRSS")
        seconds = timed(fn, *args)
        best, peak = min(best, seconds), max(peak, _status("VmHWM") - start_rss)
    return best, peak


def make_pdf(path: Path, size: int) -> None:
    """A valid one-page PDF of about `size` bytes (a large image-like stream), written in pieces."""
    random_block = os.urandom(PIECE)
    with path.open("wb") as out:
        offsets = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        for body in (b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>"):
            offsets.append(out.tell())
            out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")
        length = max(0, size - 1024)
        offsets.append(out.tell())
        out.write(f"4 0 obj\n<< /Length {length} >>\nstream\n".encode())
        for start in range(0, length, PIECE):
            out.write(random_block[:min(PIECE, length - start)])
        out.write(b"\nendstream\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
        out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
        out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())


def _plain_copy(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        while piece := src.read(PIECE):
            dst.write(piece)
        dst.flush()
        os.fsync(dst.fileno())


def _plain_read(path: Path) -> None:
    with path.open("rb") as src:
        while src.read(256 * 1024):
            pass


def _upload(actor, request_id: str, source: Path) -> None:
    incoming = uploads.IncomingFile(actor, uploads.target_for(actor, request_id), source.name)
    with source.open("rb") as src:
        while piece := src.read(PIECE):
            incoming.feed(piece)
    incoming.finish()


def _download(version: DocumentVersion) -> None:
    for _piece in filestore.stream(version):
        pass


def _setup():
    from tests.world import build_world

    world = build_world()
    attorney = world.actor("attorney")
    matter_id = matters.open_matter(attorney, client_id=str(world.clients["client"].id), case_type_code="H1B",
                                    title="Benchmark")
    with db.write() as s:
        request = s.exec(select(DocumentRequest).where(DocumentRequest.key == "transcripts",
                                                       DocumentRequest.matter_id == uuid.UUID(matter_id))).one()
        request.max_size_bytes = 300 * MB
        request_id = str(request.id)
    assert checklists  # the checklist opened with the matter
    return attorney, request_id


def _latest_version() -> DocumentVersion:
    with db.read() as s:
        return s.exec(select(DocumentVersion).order_by(DocumentVersion.uploaded_at.desc())).first()


def _line(kind: str, size_mb: int, ours: tuple[float, int], plain: tuple[float, int]) -> str:
    ours_rate, plain_rate = size_mb / ours[0], size_mb / plain[0]
    return (f"{kind} {size_mb} MB: {ours_rate:6.1f} MB/s vs plain {plain_rate:6.1f} MB/s = "
            f"{100 * ours_rate / plain_rate:3.0f}% (goal >= 40%); peak memory +{ours[1] / MB:.0f} MB "
            f"(plain +{plain[1] / MB:.0f} MB)")


def run() -> list[str]:
    lines = [f"file chunk size {get_settings().file_chunk_bytes // 1024} KiB, best of {ROUNDS} runs"]
    with database("sqlite"), tempfile.TemporaryDirectory(dir=get_settings().data_dir) as tmp:
        actor, request_id = _setup()
        for size_mb in SIZES_MB:
            source = Path(tmp) / f"scan-{size_mb}.pdf"
            make_pdf(source, size_mb * MB)
            copy = Path(tmp) / "plain-copy.pdf"
            plain_up = _measure(_plain_copy, source, copy)
            ours_up = _measure(_upload, actor, request_id, source)
            plain_down = _measure(_plain_read, copy)
            ours_down = _measure(_download, _latest_version())
            lines += [_line("upload  ", size_mb, ours_up, plain_up), _line("download", size_mb, ours_down, plain_down)]
            source.unlink()
            copy.unlink()
    return lines

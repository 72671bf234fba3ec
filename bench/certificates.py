"""How fast certificates are produced: PDFs per second and the median time of one.

    .venv/bin/python bench/certificates.py [--count 300]

Each PDF is signed and carries a QR code of its own verification URL, as on the platform.
"First download" gives every certificate a new code (the QR code is encoded anew, the usual
case); "downloaded again" renders the same certificate repeatedly (the QR code comes from the
process's cache). Open Badges credentials are measured too.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from training.certificates.codes import generate_code  # noqa: E402
from training.certificates.data import CertificateData  # noqa: E402
from training.certificates.open_badges import issue_credential_jwt  # noqa: E402
from training.certificates.pdf import render_certificate_pdf  # noqa: E402


def sample(code: str) -> CertificateData:
    return CertificateData(
        code=code,
        holder_name="Nguyễn Thị Ánh Łukasz-Żółć",
        course_title="Repérer et signaler la traite des êtres humains : le tronc commun",
        course_slug="tronc-commun",
        course_version=2,
        course_minutes=150,
        completed_on=date(2026, 11, 28),
        expires_on=date(2028, 11, 28),
        issuer="Miprof — ENM",
        verification_url=f"https://formation.exemple.gouv.fr/attestations/{code}",
    )


def measure(label: str, count: int, make: Callable[[int], object]) -> None:
    make(-1)  # warm-up: fonts registered, modules imported
    durations = []
    started = time.perf_counter()
    for index in range(count):
        before = time.perf_counter()
        make(index)
        durations.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    median_ms = statistics.median(durations) * 1000
    p95_ms = statistics.quantiles(durations, n=20)[-1] * 1000
    print(
        f"{label:<42} {count / elapsed:7.0f} /s   median {median_ms:6.2f} ms   p95 {p95_ms:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    count = parser.parse_args().count
    key = Ed25519PrivateKey.generate()
    fresh = [sample(generate_code()) for _ in range(count + 1)]
    same = sample(generate_code())
    size = len(render_certificate_pdf(same, signing_key=key))

    print(f"{count} certificates each, one process, PDF of {size / 1024:.0f} KiB")
    measure(
        "signed PDF, first download (new QR code)",
        count,
        lambda index: render_certificate_pdf(fresh[index], signing_key=key),
    )
    measure(
        "signed PDF, downloaded again",
        count,
        lambda _: render_certificate_pdf(same, signing_key=key),
    )
    measure("Open Badges 3.0 VC-JWT", count, lambda index: issue_credential_jwt(fresh[index], key))


if __name__ == "__main__":
    main()

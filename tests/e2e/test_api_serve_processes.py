"""`dataward serve` as it runs in production: several processes answering on one port, and
HTTPS from a certificate and key, each run as a process of its own."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

pytestmark = pytest.mark.processes
ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATAWARD_") or key == "DATAWARD_SAMPLES_DIR"
    }
    return env | {"DATAWARD_DATA_DIR": str(folder / "var"), "TMPDIR": str(folder)}


def _serve(folder: Path, *args: str) -> Iterator[int]:
    env = _env(folder)
    dataward = [sys.executable, "-m", "dataward"]
    subprocess.run([*dataward, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*dataward, "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Got:
    status: int
    headers: dict[str, str]


def _get(url: str, context: ssl.SSLContext | None = None) -> Got:
    with urllib.request.urlopen(url, timeout=5, context=context) as answer:  # noqa: S310
        return Got(answer.status, {k.lower(): v for k, v in answer.headers.items()})


def _until_up(url: str, context: ssl.SSLContext | None = None) -> Got:
    deadline = time.monotonic() + 60
    while True:
        try:
            return _get(url, context)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_https_from_a_certificate_and_key(tmp_path: Path) -> None:
    cert_file, key_file = _certificate(tmp_path)
    for port in _serve(tmp_path, "--certfile", str(cert_file), "--keyfile", str(key_file)):
        trusted = ssl.create_default_context(cafile=str(cert_file))
        answer = _until_up(f"https://127.0.0.1:{port}/readyz", trusted)
        assert answer.status == 200
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        with pytest.raises((urllib.error.URLError, ConnectionError)):  # no plain HTTP there
            _get(f"http://127.0.0.1:{port}/healthz")


def test_several_processes_answer_on_one_port(tmp_path: Path) -> None:
    for port in _serve(tmp_path, "--workers", "2"):
        assert _until_up(f"http://127.0.0.1:{port}/readyz").status == 200
        answers = [_get(f"http://127.0.0.1:{port}/healthz") for _ in range(20)]
        assert {a.status for a in answers} == {200}


def test_half_a_tls_pair_is_refused(tmp_path: Path) -> None:
    cert_file, _ = _certificate(tmp_path)
    env = _env(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "dataward", "serve", "--certfile", str(cert_file)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "both --certfile and --keyfile" in run.stderr

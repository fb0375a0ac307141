"""The credit-sharing package (docs/credit-sharing-format.md): what partner platforms pull for joint punishment
(联合惩戒) — the national and municipal credit-sharing platforms, the tax authority. No Django: the platform builds
packages with it, and `riskgate verify-credit-share PACKAGE.zip --public-key HEX` checks one anywhere.

A package is a ZIP of three files: `records.json` (the records as a JSON array), `records.csv` (the same records,
one per line) and `manifest.json` (format, cursors, count, each file's SHA-256 and size, and an Ed25519 signature
over the manifest without its signature). The same records give the same bytes: keys sorted, no time of making,
ZIP entries dated 1980-01-01 — pulling the same cursor again gives the identical package.
"""

import argparse
import base64
import csv
import hashlib
import io
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "riskgate-credit-share/1"
FILES = ("records.json", "records.csv")
# The CSV's columns, in order: every record has them (empty where a kind has no such field).
COLUMNS = [
    "cursor", "at", "kind", "uscc", "customs_code", "enterprise", "grade_before", "grade_after", "list", "entry",
    "status", "criterion", "summary", "published_on", "expires_on", "removal",
]  # fmt: skip
EPOCH = (1980, 1, 1, 0, 0, 0)


def private_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def key_id(public: str) -> str:
    return hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def records_csv(records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(["" if record.get(c) is None else record.get(c) for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def build(records: list[dict], *, after: int, cursor: int, key: Ed25519PrivateKey) -> bytes:
    """The package of `records` (each with every COLUMNS key), made after `after` up to `cursor`."""
    files = {"records.json": canonical(records) + b"\n", "records.csv": records_csv(records)}
    manifest = {
        "format": FORMAT,
        "after": after,
        "cursor": cursor,
        "count": len(records),
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in files.items()
        ],
    }
    public = public_hex(key)
    manifest["signature"] = {
        "algorithm": "Ed25519",
        "key_id": key_id(public),
        "value": base64.b64encode(key.sign(canonical(manifest))).decode("ascii"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in [("manifest.json", canonical(manifest) + b"\n"), *files.items()]:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)
    return buffer.getvalue()


def verify(package: bytes, public: str) -> tuple[dict, list[str]]:
    """(the manifest, the problems found): a problem for a file missing, altered or added, or a signature that
    does not hold. No problems: the package is as the platform made it."""
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return {}, [f"not a credit-sharing package: {exc}"]
    signature = manifest.pop("signature", None) or {}
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            base64.b64decode(signature.get("value", "")), canonical(manifest)
        )
    except (InvalidSignature, ValueError):
        problems.append("the manifest's signature does not hold for this public key")
    if manifest.get("format") != FORMAT:
        problems.append(f"unknown format {manifest.get('format')!r}")
    listed = {f["name"]: f for f in manifest.get("files", [])}
    for name, entry in listed.items():
        if name not in names:
            problems.append(f"{name}: missing")
            continue
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get("bytes"):
            problems.append(f"{name}: altered (its SHA-256 is not the manifest's)")
    for name in sorted(names - set(listed) - {"manifest.json"}):
        problems.append(f"{name}: not in the manifest")
    manifest["signature"] = signature
    return manifest, problems


def read_records(package: bytes) -> list[dict]:
    return json.loads(zipfile.ZipFile(io.BytesIO(package)).read("records.json"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="riskgate verify-credit-share", description="Check a credit-sharing package.")
    parser.add_argument("package", help="the ZIP pulled from /api/v1/credit/sharing/packages")
    parser.add_argument("--public-key", required=True, help="the platform's Ed25519 public key (hex)")
    args = parser.parse_args(argv)
    try:
        with open(args.package, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"error: cannot read {args.package}: {exc.strerror}", file=sys.stderr)
        return 2
    manifest, problems = verify(data, args.public_key.strip())
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {manifest['count']} records after cursor {manifest['after']} up to {manifest['cursor']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The content-addressed file store (evidence files, signed documents): bytes kept under their SHA-256.

A port with two adapters, chosen by settings (:func:`blob_store`):

- :class:`FilesystemBlobStore` (default, one machine): ``<root>/<aa>/<bb>/<sha256>``, written to a temporary
  file in the same folder, flushed and renamed into place, so a reader never sees half a file.
- :class:`S3BlobStore` (production): any S3-compatible object store (AWS S3, MinIO, Ceph RGW, S3Proxy) at
  ``<bucket>/<prefix><sha256>``, requests signed with AWS Signature Version 4 over httpx.

The key *is* the content's hash, so a put of the same bytes twice stores one copy, nothing is ever
overwritten with other content, and every read is checked against its key (a rotten or swapped object is
refused, never served). Nothing is deleted here: events reference blobs forever, like the events themselves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

import httpx

from kinerja_kernel.settings import ServiceSettings

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobNotFound(LookupError):
    """No blob is stored under this SHA-256."""


class BlobCorrupted(RuntimeError):
    """The bytes stored under a SHA-256 do not hash to it (never served)."""


class BlobStore(Protocol):
    """Bytes by their SHA-256 (lower-case hex)."""

    async def put(self, data: bytes) -> str:
        """Store ``data`` (once; a second put of the same bytes changes nothing) and return its SHA-256."""
        ...

    async def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``, checked against it (``BlobNotFound``, ``BlobCorrupted``)."""
        ...

    async def exists(self, sha256: str) -> bool:
        """Whether bytes are stored under ``sha256``."""
        ...


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked_key(sha256: str) -> str:
    if not SHA256.fullmatch(sha256):
        raise ValueError("a blob key is a lower-case hex SHA-256 (64 characters)")
    return sha256


def _verified(sha256: str, data: bytes) -> bytes:
    if digest(data) != sha256:
        raise BlobCorrupted(f"blob {sha256} does not match its content")
    return data


class FilesystemBlobStore:
    """Blobs as files under ``root`` (fanned out by the first two bytes of the hash)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        key = _checked_key(sha256)
        return self.root / key[:2] / key[2:4] / key

    async def put(self, data: bytes) -> str:
        sha256 = digest(data)
        await asyncio.to_thread(self._write, sha256, data)
        return sha256

    def _write(self, sha256: str, data: bytes) -> None:
        path = self.path_of(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, sha256: str) -> bytes:
        path = self.path_of(sha256)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc
        return _verified(sha256, data)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_of(sha256).is_file)


class S3BlobStore:
    """Blobs as objects of an S3-compatible store, path-style addressing (``<endpoint>/<bucket>/<key>``),
    signed with AWS Signature Version 4. The payload hash SigV4 asks for is the blob's own key."""

    def __init__(self, *, endpoint: str, bucket: str, access_key: str, secret_key: str, region: str = "us-east-1",
                 prefix: str = "", timeout: float = 60.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self._access_key = access_key
        self._secret_key = secret_key
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def create_bucket(self) -> None:
        """Create the bucket unless it exists (development and tests; production buckets are provisioned)."""
        response = await self._request("HEAD", f"/{self.bucket}")
        if response.status_code == 404:
            response = await self._request("PUT", f"/{self.bucket}")
            if response.status_code not in (200, 409):
                raise RuntimeError(f"cannot create bucket {self.bucket}: HTTP {response.status_code}")

    def _path(self, sha256: str) -> str:
        return f"/{self.bucket}/{self.prefix}{_checked_key(sha256)}"

    async def put(self, data: bytes) -> str:
        sha256 = digest(data)
        if await self.exists(sha256):
            return sha256
        response = await self._request("PUT", self._path(sha256), body=data, payload_hash=sha256,
                                       headers={"content-type": "application/octet-stream"})
        if response.status_code != 200:
            raise RuntimeError(f"blob store refused {sha256}: HTTP {response.status_code}")
        return sha256

    async def get(self, sha256: str) -> bytes:
        response = await self._request("GET", self._path(sha256))
        if response.status_code == 404:
            raise BlobNotFound(sha256)
        if response.status_code != 200:
            raise RuntimeError(f"blob store failed reading {sha256}: HTTP {response.status_code}")
        return _verified(sha256, response.content)

    async def exists(self, sha256: str) -> bool:
        response = await self._request("HEAD", self._path(sha256))
        if response.status_code in (200, 404):
            return response.status_code == 200
        raise RuntimeError(f"blob store failed checking {sha256}: HTTP {response.status_code}")

    async def _request(self, method: str, path: str, *, body: bytes = b"", payload_hash: str | None = None,
                       headers: dict[str, str] | None = None) -> httpx.Response:
        url = f"{self.endpoint}{quote(path)}"
        signed = sign_v4(method=method, url=url, headers=headers or {}, payload_hash=payload_hash or digest(body),
                         access_key=self._access_key, secret_key=self._secret_key, region=self.region)
        return await self._client.request(method, url, content=body or None, headers=signed)


def sign_v4(*, method: str, url: str, headers: dict[str, str], payload_hash: str, access_key: str,
            secret_key: str, region: str, service: str = "s3", now: dt.datetime | None = None) -> dict[str, str]:
    """The request's headers with AWS Signature Version 4 added (``Authorization``, ``x-amz-date``,
    ``x-amz-content-sha256``). ``url`` is already percent-encoded; it has no query string here."""
    moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    parts = urlsplit(url)
    all_headers = {k.lower(): v.strip() for k, v in headers.items()}
    all_headers.update({"host": parts.netloc, "x-amz-date": moment, "x-amz-content-sha256": payload_hash})
    names = sorted(all_headers)
    canonical = "\n".join([method, parts.path or "/", parts.query, *(f"{n}:{all_headers[n]}" for n in names), "",
                           ";".join(names), payload_hash])
    scope = f"{moment[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", moment, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret_key}".encode()
    for part in (moment[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    all_headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                                    f"SignedHeaders={';'.join(names)}, Signature={signature}")
    del all_headers["host"]  # httpx sets it from the URL, exactly as signed
    return all_headers


def blob_store(settings: ServiceSettings) -> FilesystemBlobStore | S3BlobStore:
    """The store the settings choose: ``filesystem`` under ``blob_dir`` (default) or ``s3``."""
    if settings.blob_backend == "s3":
        if not (settings.blob_s3_endpoint and settings.blob_s3_access_key and settings.blob_s3_secret):
            raise ValueError("blob_backend=s3 needs blob_s3_endpoint, blob_s3_access_key and blob_s3_secret_key")
        return S3BlobStore(endpoint=settings.blob_s3_endpoint, bucket=settings.blob_s3_bucket,
                           region=settings.blob_s3_region, prefix=settings.blob_s3_prefix,
                           access_key=settings.blob_s3_access_key, secret_key=settings.blob_s3_secret)
    return FilesystemBlobStore(Path(settings.blob_dir).expanduser())

"""The blob store's contract (put, get, exists by SHA-256), run against each adapter: the filesystem folder and
a real S3-compatible server (S3Proxy)."""

from __future__ import annotations

import abc
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from kinerja_kernel.blobs import BlobCorrupted, BlobNotFound, BlobStore, FilesystemBlobStore, S3BlobStore, blob_store
from kinerja_kernel.infra.s3proxy import CREDENTIAL, IDENTITY
from kinerja_kernel.settings import ServiceSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")


def some_bytes() -> bytes:
    return b"%PDF-1.7\n" + os.urandom(3000) + b"\x00\xff end"


class BlobStoreContract(abc.ABC):
    """What every blob store adapter promises."""

    @abc.abstractmethod
    @pytest_asyncio.fixture(loop_scope="session")
    async def store(self) -> AsyncIterator[BlobStore]:
        yield  # type: ignore[misc]

    async def test_a_put_returns_the_sha256_and_the_same_bytes_come_back(self, store: BlobStore) -> None:
        data = some_bytes()
        key = await store.put(data)
        assert key == hashlib.sha256(data).hexdigest()
        assert await store.get(key) == data
        assert await store.exists(key)

    async def test_putting_the_same_bytes_twice_keeps_one_copy_under_one_key(self, store: BlobStore) -> None:
        data = some_bytes()
        assert await store.put(data) == await store.put(data)
        assert await store.get(hashlib.sha256(data).hexdigest()) == data

    async def test_an_unknown_key_does_not_exist_and_reads_as_not_found(self, store: BlobStore) -> None:
        key = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        assert not await store.exists(key)
        with pytest.raises(BlobNotFound):
            await store.get(key)

    async def test_an_empty_file_and_a_large_one_are_kept_exactly(self, store: BlobStore) -> None:
        large = os.urandom(6 * 1024 * 1024)
        for data in (b"", large):
            assert await store.get(await store.put(data)) == data

    async def test_a_key_that_is_not_a_sha256_is_refused(self, store: BlobStore) -> None:
        for bad in ("../../etc/passwd", "ABC", "a" * 63, "A" * 64):
            with pytest.raises(ValueError, match="SHA-256"):
                await store.exists(bad)


class TestFilesystemBlobStore(BlobStoreContract):
    @pytest_asyncio.fixture(loop_scope="session")
    async def store(self, tmp_path: Path) -> AsyncIterator[BlobStore]:
        yield FilesystemBlobStore(tmp_path / "blobs")

    async def test_a_file_changed_on_disk_is_refused_not_served(self, tmp_path: Path) -> None:
        store = FilesystemBlobStore(tmp_path / "rot")
        key = await store.put(b"the original evidence")
        store.path_of(key).write_bytes(b"swapped evidence")
        with pytest.raises(BlobCorrupted):
            await store.get(key)


class TestS3BlobStore(BlobStoreContract):
    @pytest_asyncio.fixture(loop_scope="session")
    async def store(self, s3_endpoint: str) -> AsyncIterator[BlobStore]:
        s3 = S3BlobStore(endpoint=s3_endpoint, bucket=f"t-{uuid.uuid4().hex[:12]}", access_key=IDENTITY,
                         secret_key=CREDENTIAL, prefix="planning/")
        await s3.create_bucket()
        yield s3
        await s3.aclose()

    async def test_a_wrong_secret_is_refused_by_the_server(self, s3_endpoint: str) -> None:
        s3 = S3BlobStore(endpoint=s3_endpoint, bucket=f"t-{uuid.uuid4().hex[:12]}", access_key=IDENTITY,
                         secret_key="not-the-secret")
        try:
            with pytest.raises(RuntimeError):
                await s3.put(b"anything")
        finally:
            await s3.aclose()

    async def test_the_settings_choose_the_s3_store(self, s3_endpoint: str) -> None:
        settings = ServiceSettings(database_url="postgresql://x/y", blob_backend="s3", blob_s3_endpoint=s3_endpoint,
                                   blob_s3_access_key=IDENTITY, blob_s3_secret_key=CREDENTIAL,
                                   blob_s3_bucket=f"t-{uuid.uuid4().hex[:12]}")
        chosen = blob_store(settings)
        assert isinstance(chosen, S3BlobStore)
        await chosen.create_bucket()
        assert await chosen.get(await chosen.put(b"via settings")) == b"via settings"
        await chosen.aclose()

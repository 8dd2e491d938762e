"""The S3 backends, the one module that imports boto3: S3Storage streams encrypted objects up as a
multipart upload with at most one part in memory and reads them back by byte range; LockedObjects
keeps the audit checkpoints write-once under S3 Object Lock."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import BinaryIO

from portal_app.services.files.storage import KEY_PATTERN, StorageError, StoredItem, check_key

S3_PART_BYTES = 8 * 1024 * 1024  # S3 needs parts of at least 5 MiB (except the last)


class _S3Writer:
    """A multipart upload fed piece by piece; at most one part is held in memory."""

    def __init__(self, storage: "S3Storage", key: str) -> None:
        self._s3, self._bucket, self._key = storage.client, storage.bucket, storage.object_name(key)
        self._buffer, self._parts, self._upload_id = bytearray(), [], None

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= S3_PART_BYTES:
            self._flush_part()

    def _flush_part(self) -> None:
        if self._upload_id is None:
            self._upload_id = self._s3.create_multipart_upload(Bucket=self._bucket, Key=self._key)["UploadId"]
        number = len(self._parts) + 1
        answer = self._s3.upload_part(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                      PartNumber=number, Body=bytes(self._buffer))
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        self._buffer.clear()

    def commit(self) -> None:
        if self._upload_id is None:  # small object: one PUT
            self._s3.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer))
            return
        if self._buffer:
            self._flush_part()
        self._s3.complete_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                           MultipartUpload={"Parts": self._parts})

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)


class S3Storage:
    name = "s3"

    def __init__(self, *, bucket: str, prefix: str = "", region: str = "", endpoint_url: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3", region_name=region or None, endpoint_url=endpoint_url or None,
                                   config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def object_name(self, key: str) -> str:
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def writer(self, key: str) -> _S3Writer:
        return _S3Writer(self, key)

    def _get(self, key: str, **extra):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_name(key), **extra)["Body"]
        except ClientError as exc:
            raise StorageError(f"object {key} could not be read: {exc.response['Error'].get('Code')}") from None

    def open(self, key: str) -> BinaryIO:
        return self._get(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        if length <= 0:
            return b""
        body = self._get(key, Range=f"bytes={start}-{start + length - 1}")
        try:
            return body.read()
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
            return True
        except ClientError:
            return False

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def _key_of(self, name: str) -> str | None:
        key = name[len(self.prefix) + 1:] if self.prefix else name
        return key if (not self.prefix or name.startswith(self.prefix + "/")) and KEY_PATTERN.match(key) else None

    def items(self) -> Iterator[StoredItem]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, **({"Prefix": self.prefix + "/"} if self.prefix else {}))
        for page in pages:
            for item in page.get("Contents", []):
                key = self._key_of(item["Key"])
                if key is not None:
                    yield StoredItem(key, item["LastModified"].astimezone(timezone.utc), item["Size"])

    def abort_stale_writes(self, older_than: datetime) -> int:
        """Abort multipart uploads that were started and never completed (their parts cost money)."""
        answer = self.client.list_multipart_uploads(Bucket=self.bucket,
                                                    **({"Prefix": self.prefix + "/"} if self.prefix else {}))
        aborted = 0
        for upload in answer.get("Uploads", []):
            if self._key_of(upload["Key"]) is not None and upload["Initiated"].astimezone(timezone.utc) < older_than:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                aborted += 1
        return aborted


class LockedObjects:
    """Small write-once objects (the audit checkpoints) in an S3 bucket, under Object Lock in
    COMPLIANCE mode where the bucket has it: nobody, the portal's own credentials included, can
    delete or overwrite a version before its retention ends. Reading lists every version, so a
    delete marker or a newer version put over a name hides nothing."""

    def __init__(self, *, bucket: str, prefix: str, region: str = "", endpoint_url: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3", region_name=region or None, endpoint_url=endpoint_url or None,
                                   config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def _key(self, name: str) -> str:
        if not name or any(c not in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_." for c in name):
            raise StorageError("malformed object name")
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, body: bytes, retain_until) -> bool:
        """Store `body` under `name`; True when it is under Object Lock, False when the bucket has none."""
        from botocore.exceptions import ClientError

        key = self._key(name)
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ObjectLockMode="COMPLIANCE",
                                   ObjectLockRetainUntilDate=retain_until)
            return True
        except ClientError as exc:
            if exc.response["Error"].get("Code") != "InvalidRequest":
                raise StorageError(f"object {name} could not be written: {exc.response['Error'].get('Code')}") from None
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body)
        except ClientError as exc:
            raise StorageError(f"object {name} could not be written: {exc.response['Error'].get('Code')}") from None
        return False

    def versions(self) -> list[tuple[str, str]]:
        """(name, version id) of every stored version, by name."""
        from botocore.exceptions import BotoCoreError, ClientError

        out, pages = [], self.client.get_paginator("list_object_versions")
        try:
            for page in pages.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""):
                for version in page.get("Versions", []):
                    out.append((version["Key"].removeprefix(f"{self.prefix}/"), version.get("VersionId") or "null"))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"{self.bucket} could not be listed: {exc}") from None
        return sorted(out)

    def get(self, name: str, version_id: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {} if version_id == "null" else {"VersionId": version_id}
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(name), **extra)["Body"]
            try:
                return body.read()
            finally:
                body.close()
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"object {name} could not be read: {exc}") from None

"""Ports of the download links of access and portability packages (`services.rights.downloads`),
apart from `services.ports` by concept; `UnitOfWork.downloads` is one of these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class StoredDownloadLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def request_id(self) -> str: ...
    @property
    def subject_id(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...
    @property
    def used_at(self) -> datetime | None: ...
    @property
    def has_package(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class NewDownload:
    """A link to store: the keyed hash of its token (never the token), the request and subject
    it is of, and the package sealed under the link's own key (named by `download_id`)."""

    download_id: str
    request_id: str
    subject_id: str
    kind: str
    token_hash: bytes = field(repr=False)
    filename: str
    created_at: datetime
    expires_at: datetime
    package: bytes = field(repr=False)


class DownloadRepository(Protocol):
    """Single-use download links of access and portability packages (keyed token hashes)."""

    def add(self, download: NewDownload) -> None: ...

    def by_hash(self, token_hash: bytes) -> StoredDownloadLike | None: ...

    def for_request(self, request_id: str) -> Sequence[StoredDownloadLike]: ...

    def claim(self, token_hash: bytes, at: datetime) -> bytes | None:
        """Mark used and return the sealed package, once (atomic); None if not claimable."""
        ...

    def clear_expired(self, at: datetime) -> Sequence[str]:
        """Drop the packages of the links expired by `at`; the ids of those cleared."""
        ...

    def of_subjects(self, subject_ids: Sequence[str]) -> Sequence[str]:
        """The ids of these subjects' links."""
        ...

    def of_requests(self, request_ids: Sequence[str]) -> Sequence[str]:
        """The ids of these requests' links."""
        ...

    def discard(self, download_id: str) -> None: ...

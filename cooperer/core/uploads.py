"""Uploaded files are kept under var/uploads with a generated name (never the user's)."""

import uuid
from pathlib import Path

from django.conf import settings


def store_upload(upload, folder: str) -> Path:
    directory = Path(settings.VAR_DIR) / "uploads" / folder
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "".join(Path(upload.name).suffixes[-2:])[:20].lower()
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path

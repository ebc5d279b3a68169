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


def check_upload(upload, suffixes: tuple[str, ...]):
    """The uploaded file if its type and size are acceptable; else a ValidationError in French."""
    from django.core.exceptions import ValidationError

    if not upload.name.lower().endswith(suffixes):
        names = ", ".join(suffixes[:-1]) + (f" et {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0])
        raise ValidationError(f"Type de fichier refusé : seuls {names} sont acceptés.")
    limit = settings.COOPERER_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Fichier trop volumineux ({upload.size // (1024 * 1024)} Mo) : "
            f"la limite est de {limit // (1024 * 1024)} Mo."
        )
    return upload

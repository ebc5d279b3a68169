"""Uploaded files are kept under var/uploads with a generated name (never the user's)."""

import re
import uuid
import zipfile
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


def discard_upload(path) -> bool:
    """Deletes a file kept by `store_upload` (a failed preview's file is of no more use); never a file elsewhere,
    such as one a command was given. True if it was deleted."""
    if not path:
        return False
    uploads = (Path(settings.VAR_DIR) / "uploads").resolve()
    target = Path(path).resolve()
    if uploads not in target.parents or not target.is_file():
        return False
    target.unlink(missing_ok=True)
    return True


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


# What each accepted document type starts with: a « .pdf » that is not a PDF is refused.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
# The member every archive of the type holds (OpenDocument: its mimetype; Office Open XML: its content types).
ARCHIVE_MEMBERS = {
    ".odt": "mimetype",
    ".ods": "mimetype",
    ".docx": "[Content_Types].xml",
    ".xlsx": "[Content_Types].xml",
}
# A page a browser would run if it sniffed the file: refused anywhere in a PDF.
WEB_CONTENT = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed)\b", re.IGNORECASE
)
PDF_TAIL = 1024  # the end-of-file marker may be followed by a little whitespace or padding, not by a page


def document_problem(upload) -> str:
    """Why an uploaded document is not what its extension says (French), or "" when it is.

    The first bytes must be those of the type; a PDF must end with its `%%EOF` marker and hold no HTML or
    script (a `%PDF-` line followed by a web page is refused); an office file must be a readable archive of its
    kind; an image must decode."""
    suffix = Path(upload.name).suffix.lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        return "son contenu ne correspond pas à son extension"
    try:
        if suffix == ".pdf":
            return _pdf_problem(upload)
        if suffix in ARCHIVE_MEMBERS:
            with zipfile.ZipFile(upload) as archive:
                if ARCHIVE_MEMBERS[suffix] not in archive.namelist():
                    return "ce n'est pas un document bureautique de ce type"
            return ""
        from PIL import Image

        with Image.open(upload) as image:
            image.verify()
        return ""
    except (zipfile.BadZipFile, OSError, ValueError, SyntaxError):
        return "le fichier est endommagé ou n'est pas un document de ce type"
    finally:
        upload.seek(0)


def _pdf_problem(upload) -> str:
    tail, overlap = b"", 64
    for chunk in upload.chunks():
        window = tail[-overlap:] + chunk
        if WEB_CONTENT.search(window):
            return "il contient une page web ou un script, pas seulement un document PDF"
        tail = (tail + chunk)[-PDF_TAIL:]
    if b"%%EOF" not in tail:
        return "ce PDF est incomplet (sa fin manque) ou suivi d'un autre contenu"
    return ""

"""What the import commands share: the preview's warnings and errors written out, and a refusal while errors
remain."""

from django.core.management.base import CommandError

MAX_LISTED = 500


def report_preview(command, warnings, errors, *, commit: bool, noun: str) -> None:
    """Writes the warnings (stdout) and errors (stderr) of a preview; raises CommandError (exit code 1) when errors
    remain, or says how to write when `commit` is not asked (the caller returns when it is False)."""
    for warning in warnings[:MAX_LISTED]:
        command.stdout.write(f"  avertissement : {warning}")
    for error in errors[:MAX_LISTED]:
        command.stderr.write(f"  {error}")
    if len(errors) > MAX_LISTED:
        command.stderr.write(f"  … et {len(errors) - MAX_LISTED} autre(s) erreur(s).")
    if errors:
        raise CommandError(
            "Des erreurs restent : rien n'a été écrit." + (" L'import est refusé." if commit else ""),
            returncode=1,
        )
    if not commit:
        command.stdout.write(f"Aperçu seulement : relancez avec --commit pour écrire ces {noun}.")

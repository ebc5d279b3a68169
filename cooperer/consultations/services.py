"""What the consultation pages do: set up, collect (public form, assisted entry), moderate."""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cooperer.audit.enums import Action
from cooperer.audit.services import record
from cooperer.consultations.enums import DEFAULT_THEMES, ContributionKind, ContributionSource, TagOrigin
from cooperer.consultations.models import (
    MAX_TEXT,
    Consultation,
    Contribution,
    ContributionTag,
    ModerationEvent,
    Session,
    Theme,
)
from cooperer.consultations.retention import scrub_runs
from cooperer.core import throttle


class ConsultationError(Exception):
    """A rule of the consultation refused the action; the message is for the user, in French."""


def add_default_themes(consultation: Consultation) -> None:
    Theme.objects.bulk_create(
        [
            Theme(consultation=consultation, name=name, description=description, position=index)
            for index, (name, description) in enumerate(DEFAULT_THEMES)
        ]
    )


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def clean_text(value: str) -> str:
    """Plain text from what people typed or pasted: tags dropped (scripts with their content), entities
    decoded, spaces collapsed, at most two line breaks in a row. Rendering escapes it again."""
    text = html.unescape(_TAG.sub(" ", value or ""))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def check_text(text: str) -> str | None:
    """The French reason a contribution's text is refused, or None."""
    if not text:
        return "La contribution est vide."
    if len(text) > MAX_TEXT:
        return f"La contribution est trop longue ({len(text):,} caractères ; {MAX_TEXT:,} au plus) : coupez-la en plusieurs.".replace(
            ",", "\u202f"
        )
    return None


def rate_limited(client_hash: str) -> bool:
    """Counts one submission from this address; True past the allowed number in the current minute. The count is
    atomic and shared by every server process (core/throttle.py): simultaneous submissions cannot all read the
    same count and all pass."""
    limit = settings.COOPERER_PUBLIC_FORM_PER_MINUTE
    if not limit:
        return False
    return throttle.hit("public-form", client_hash, 60) > limit


def submit_public(session: Session, data: dict, address: str) -> Contribution:
    """A contribution from a session's public form. Raises ConsultationError with the reason."""
    consultation = session.consultation
    if not session.accepts_online or consultation.status != "ouverte":
        raise ConsultationError("Cette concertation ne reçoit pas de contributions en ligne en ce moment.")
    client_hash = Contribution.hash_client(address)
    text = clean_text(data["text"])
    problem = check_text(text)
    if problem:
        raise ConsultationError(problem)
    if rate_limited(client_hash):
        raise ConsultationError(
            "Beaucoup de contributions viennent d'être envoyées depuis cette connexion : "
            "patientez une minute puis renvoyez la vôtre, elle n'est pas perdue tant que cette page est ouverte."
        )
    return Contribution.objects.create(
        consultation=consultation,
        session=session,
        qpv_id=session.qpv_id,
        audience=session.audience,
        kind=data["kind"],
        text=text,
        author_name="" if data.get("anonymous") else clean_text(data.get("author_name", ""))[:80],
        age_band=data.get("age_band", ""),
        consent_at=timezone.now(),
        source=ContributionSource.FORM,
        client_hash=client_hash,
    )


# Assisted entry: one post-it per line, an optional prefix gives its nature.
_PREFIXES = {
    "c": ContributionKind.NEED,
    "b": ContributionKind.NEED,
    "a": ContributionKind.ASPIRATION,
    "p": ContributionKind.PROPOSAL,
    "r": ContributionKind.RESOURCE,
}
_PREFIX = re.compile(r"^\s*([cbapr])\s*[:>)\-]\s*", re.IGNORECASE)


@dataclass
class Entry:
    line: int
    kind: str
    text: str
    problem: str | None = None


def parse_post_its(block: str, default_kind: str) -> list[Entry]:
    """ "p: un terrain de foot éclairé" -> a proposal; a line without prefix takes the default nature."""
    entries = []
    for number, raw in enumerate((block or "").splitlines(), start=1):
        if not raw.strip():
            continue
        kind = default_kind
        match = _PREFIX.match(raw)
        if match:
            kind = _PREFIXES[match.group(1).lower()]
            raw = raw[match.end() :]
        text = clean_text(raw)
        entries.append(Entry(number, kind, text, check_text(text)))
    return entries


def enter_post_its(session: Session, entries: list[Entry], user) -> list[Contribution]:
    """All the post-its of a block or none (a line with a problem blocks the whole block)."""
    problems = [f"ligne {e.line} : {e.problem}" for e in entries if e.problem]
    if problems:
        raise ConsultationError("Rien n'a été enregistré. " + " ; ".join(problems))
    if not entries:
        raise ConsultationError("Aucune contribution à enregistrer : tapez au moins une ligne.")
    now = timezone.now()
    return Contribution.objects.bulk_create(
        [
            Contribution(
                consultation_id=session.consultation_id,
                session=session,
                qpv_id=session.qpv_id,
                audience=session.audience,
                kind=entry.kind,
                text=entry.text,
                source=ContributionSource.ASSISTED,
                entered_by=user,
                consent_at=now,
                created_at=now,
                is_demo=session.is_demo,
            )
            for entry in entries
        ]
    )


@transaction.atomic
def moderate(contribution: Contribution, hide: bool, reason: str, user) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError("Indiquez le motif : il reste dans l'historique de la contribution.")
    if hide == contribution.is_hidden:
        raise ConsultationError(
            "Cette contribution est déjà masquée." if hide else "Cette contribution est visible."
        )
    contribution.hidden_at = timezone.now() if hide else None
    contribution.hidden_reason = reason if hide else ""
    contribution.save(update_fields=["hidden_at", "hidden_reason"])
    ModerationEvent.objects.create(contribution=contribution, hidden=hide, reason=reason[:300], by=user)
    _journal_moderation(contribution, hide, reason, user, contribution.consultation.epci_id)


def _journal_moderation(contribution: Contribution, hide: bool, reason: str, user, epci_id: int) -> None:
    record(
        Action.CONTRIBUTION_HIDDEN if hide else Action.CONTRIBUTION_RESTORED, contribution, actor=user,
        epci_id=epci_id, label=f"Contribution n° {contribution.pk}",
        before={"masquée": not hide}, after={"masquée": hide, "motif": reason[:300]},
    )  # fmt: skip


BULK_LIMIT = 200  # contributions per bulk action: a page of the list, with room to spare
NOTHING_SELECTED = "Cochez au moins une contribution visible de la liste."


def _selected(consultation: Consultation, ids: list[int]) -> list[Contribution]:
    """The visible contributions of this consultation among `ids` (others are ignored, never touched)."""
    if len(ids) > BULK_LIMIT:
        raise ConsultationError(f"Au plus {BULK_LIMIT} contributions à la fois : filtrez la liste.")
    chosen = list(consultation.contributions.visible().filter(pk__in=ids).only("pk", "consultation_id"))
    if not chosen:
        raise ConsultationError(NOTHING_SELECTED)
    return chosen


@transaction.atomic
def hide_many(consultation: Consultation, ids: list[int], reason: str, user) -> int:
    """Hide several contributions at once; each keeps its own moderation event and journal entry, as if
    hidden one by one. Returns how many were hidden."""
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError("Indiquez le motif : il reste dans l'historique de chaque contribution.")
    chosen = _selected(consultation, ids)
    Contribution.objects.filter(pk__in=[c.pk for c in chosen], hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_reason=reason[:300]
    )
    ModerationEvent.objects.bulk_create(
        ModerationEvent(contribution=c, hidden=True, reason=reason[:300], by=user) for c in chosen
    )
    for contribution in chosen:
        _journal_moderation(contribution, True, reason, user, consultation.epci_id)
    return len(chosen)


@transaction.atomic
def set_theme_many(consultation: Consultation, ids: list[int], theme: Theme | None, user) -> int:
    """Confirm the proposed theme of several contributions (theme None: those without one are left as they
    are), or give them all the same theme, as a correction the next analysis learns from. Returns how many
    contributions were decided."""
    chosen = [c.pk for c in _selected(consultation, ids)]
    now = timezone.now()
    if theme is None:
        return ContributionTag.objects.filter(contribution_id__in=chosen).update(
            origin=TagOrigin.CONFIRMED, decided_by=user, decided_at=now
        )
    if theme.consultation_id != consultation.pk:
        raise ConsultationError("Ce thème n'appartient pas à cette concertation.")
    ContributionTag.objects.filter(contribution_id__in=chosen).delete()
    ContributionTag.objects.bulk_create(
        ContributionTag(contribution_id=pk, theme=theme, score=1.0, evidence=[], origin=TagOrigin.MANUAL,
                        decided_by=user, decided_at=now)
        for pk in chosen
    )  # fmt: skip
    return len(chosen)


ERASED = "[contribution effacée à la demande de son auteur]"


@transaction.atomic
def erase_on_request(contribution: Contribution, reason: str, user) -> None:
    """The right to erasure: the words and what could identify their author go; the fact that a
    contribution existed (and was erased, by whom, why) stays, so counts and history remain true."""
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError("Indiquez la demande (date, moyen) : elle reste dans l'historique.")
    contribution.text = ERASED
    contribution.author_name = ""
    contribution.age_band = ""
    contribution.client_hash = ""
    contribution.hidden_at = contribution.hidden_at or timezone.now()
    contribution.hidden_reason = "Effacée à la demande de son auteur"
    contribution.save()
    contribution.tags.all().delete()
    scrub_runs(contribution)  # the stored analyses quote it too
    ModerationEvent.objects.create(
        contribution=contribution, hidden=True, reason=f"Effacement : {reason}"[:300], by=user
    )
    # The journal keeps the fact and the request, never the words erased.
    record(
        Action.CONTRIBUTION_ERASED, contribution, actor=user, epci_id=contribution.consultation.epci_id,
        label=f"Contribution n° {contribution.pk}", after={"demande": reason[:300]},
    )  # fmt: skip

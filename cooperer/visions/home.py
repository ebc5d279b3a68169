"""What visions offer the pages that gather several domains: the public page of a QPV's vision, when one is
adopted, for the QPV's page."""

from django.urls import reverse

from cooperer.core.home import Entry
from cooperer.visions.enums import ScopeKind
from cooperer.visions.models import VisionVersion


def qpv_links(qpv, user) -> list[Entry]:
    adopted = VisionVersion.objects.adopted().filter(vision__qpv=qpv, vision__scope_kind=ScopeKind.QPV)
    if not adopted.exists():
        return []
    return [
        Entry("Notre quartier en 2030 : la vision partagée", reverse("public_vision", args=[qpv.code]),
              "adoptée, lisible par tous"),
        Entry("Où en est-on ? Les projets financés", reverse("public_follow_up", args=[qpv.code])),
    ]  # fmt: skip

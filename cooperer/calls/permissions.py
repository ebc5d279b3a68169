"""Who may do what on a call and its applications (checked in every view; templates only mirror it).

Administrators and the animatrices of the call's EPCI publish it; they and the instructors of a funder of the call
(role « instruction » on the EPCI, for a funder the call has) read every submitted application, score it, ask for
complements, accept a consortium and record the joint programming committee's decisions; each instructor writes
notes that only their own funder's instructors see (the animation sees none). Members of the applicant structure — and of its
co-porteurs — write the application while it is a draft or while complements are asked; they read their decision.
Open calls are public."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin, roles_of
from cooperer.calls.enums import ApplicationStatus, CallStatus, PartnerRole

NOT_MANAGER = "Seules les animatrices du territoire et les administrateur·rices gèrent cet appel."
NOT_INSTRUCTOR = "L'instruction est réservée aux financeurs de l'appel et à l'animation du territoire."
NOT_APPLICANT = "Seuls les membres de la structure porteuse (et des co-porteurs) écrivent cette demande."


def can_manage(user, call) -> bool:
    return is_platform_admin(user) or call.epci_id in animated_epci_ids(user)


def funders_of(user, call) -> set[str]:
    """The funders of this call the user instructs for."""
    funded = {f.funder for f in call.funders.all()}
    return {
        a.funder
        for a in roles_of(user)
        if a.role == Role.INSTRUCTION and a.epci_id == call.epci_id and a.funder in funded
    }


def can_instruct(user, call) -> bool:
    return can_manage(user, call) or bool(funders_of(user, call))


def can_read_call(user, call) -> bool:
    return call.status != CallStatus.DRAFT or can_instruct(user, call)


def readable_calls(user, calls):
    """The calls of `calls` the user may read: published ones, and drafts as `can_read_call` allows them (their
    managers, and the instructors of a funder the draft already has)."""
    from django.db.models import Q

    from cooperer.calls.models import CallFunder

    if is_platform_admin(user):
        return calls
    drafts = Q(epci__in=animated_epci_ids(user))
    for a in roles_of(user):
        if a.role == Role.INSTRUCTION:
            funded = CallFunder.objects.filter(funder=a.funder, call__epci_id=a.epci_id).values("call_id")
            drafts |= Q(epci_id=a.epci_id, pk__in=funded)
    return calls.filter(~Q(status=CallStatus.DRAFT) | drafts)


def member_structure_ids(user) -> set[int]:
    return {a.structure_id for a in roles_of(user) if a.role == Role.STRUCTURE_MEMBER and a.structure_id}


def carries(user, application) -> bool:
    """The user is a member of the applicant structure or of one of its co-porteurs."""
    mine = member_structure_ids(user)
    if application.applicant_id in mine:
        return True
    return any(p.structure_id in mine and p.role == PartnerRole.CO_LEAD for p in application.partners.all())


def can_write(user, application) -> bool:
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.COMPLEMENTS):
        return False
    return carries(user, application)


def can_read(user, application) -> bool:
    if is_platform_admin(user) or can_write(user, application):
        return True
    mine = member_structure_ids(user)
    if application.applicant_id in mine or any(p.structure_id in mine for p in application.partners.all()):
        return True
    return application.status != ApplicationStatus.DRAFT and can_instruct(user, application.call)


def readable_applications_condition(user, prefix: str = ""):
    """Which submitted applications the user may read, as `can_read` decides for one, as a condition on
    `prefix` + the application's fields (`"application__"` from a decision), joined rather than a subquery of
    application ids: the administrators; the members of the applicant or of a partner structure; the animation
    of the call's EPCI and the instructors of a funder the call has on that EPCI. Drafts stay with their writers."""
    from django.db.models import Q

    from cooperer.calls.models import CallFunder, Partner

    submitted = ~Q(**{f"{prefix}status": ApplicationStatus.DRAFT})
    if is_platform_admin(user):
        return submitted
    if not user.is_authenticated:
        return Q(pk__in=[])
    mine = member_structure_ids(user)
    allowed = Q(**{f"{prefix}call__epci__in": animated_epci_ids(user)})
    if mine:
        allowed |= Q(**{f"{prefix}applicant__in": mine}) | Q(
            **{f"{prefix}pk__in": Partner.objects.filter(structure__in=mine).values("application_id")}
        )
    for a in roles_of(user):
        if a.role == Role.INSTRUCTION:
            funded = CallFunder.objects.filter(funder=a.funder, call__epci_id=a.epci_id).values("call_id")
            allowed |= Q(**{f"{prefix}call__epci_id": a.epci_id, f"{prefix}call_id__in": funded})
    return submitted & allowed


def readable_applications(user, applications):
    """The applications of `applications` the user may read (`readable_applications_condition`)."""
    return applications.filter(readable_applications_condition(user))


def get_call(request, pk, rule=can_read_call, message="Cet appel n'est pas encore publié."):
    from cooperer.calls.models import Call

    call = get_object_or_404(Call.objects.select_related("epci", "contract"), pk=pk)
    if not rule(request.user, call):
        raise PermissionDenied(message)
    return call


def get_application(request, call_pk, pk, rule=can_read, message="Cette demande ne vous est pas accessible."):
    from cooperer.calls.models import Application

    application = get_object_or_404(
        Application.objects.select_related("call__epci", "call__contract", "applicant"),
        pk=pk,
        call_id=call_pk,
    )
    if not rule(request.user, application):
        raise PermissionDenied(message)
    return application

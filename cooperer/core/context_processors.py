from django.conf import settings


def site(request):
    from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin

    user = getattr(request, "user", None)
    reads_journal = user is not None and (is_platform_admin(user) or bool(animated_epci_ids(user)))
    return {"demo_mode": getattr(settings, "COOPERER_DEMO", False), "reads_journal": reads_journal}

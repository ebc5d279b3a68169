from django.conf import settings


def site(request):
    return {"demo_mode": getattr(settings, "COOPERER_DEMO", False)}

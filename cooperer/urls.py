from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cooperer.core.urls")),
    path("comptes/", include("cooperer.accounts.urls")),
    path("territoires/", include("cooperer.territories.urls")),
    path("traitements/", include("cooperer.jobs.urls")),
    path("admin/", admin.site.urls),
]

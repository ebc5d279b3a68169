"""The person's own page: their roles and the messages the platform sent them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from cooperer.accounts.permissions import roles_of

MESSAGES_PAGE = 30


@login_required
def my_account(request):
    sent = request.user.notifications.all()
    page = Paginator(sent, MESSAGES_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/my_account.html", {"page": page, "roles": roles_of(request.user)})

"""Lists page by cursor on the primary key: a stable order, one query per page however deep (no OFFSET, no
COUNT), and a malformed cursor is a 400 with a French reason, never a 500."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "pk"
    cursor_query_param = "curseur"
    cursor_query_description = "Le curseur de la page, tel que donné par `next` ou `previous`."
    page_size_query_param = "taille"
    page_size_query_description = "Nombre d'éléments par page (200 au plus)."
    max_page_size = 200
    invalid_cursor_message = "Curseur invalide : reprenez le lien `next` ou `previous` d'une réponse."

    def __init__(self):
        self.page_size = settings.COOPERER_API_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ParseError(self.invalid_cursor_message) from exc

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ParseError(
                f"Le paramètre « taille » est un nombre entier de 1 à {self.max_page_size} : « {raw[:40]} » reçu."
            )
        return int(raw)

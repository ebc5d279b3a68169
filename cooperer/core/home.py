"""The page after login gathers what each app offers. An app's `home.py` has a function `section(user)` that
returns a `Section` (its counts, each leading to its filtered list, and a few entries) or None when the person
has nothing there or may not see it: permissions are decided in that function, on the server. The functions
are listed in settings.COOPERER_HOME_SECTIONS, so that core never imports the apps above it; each one runs a
fixed number of queries whatever the data. A QPV's page gathers links the same way (COOPERER_QPV_LINKS)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Line:
    """« 3 demandes à instruire », a link to the list of those three; `zero` is said instead of « 0 … »."""

    count: int
    one: str
    many: str
    url: str
    zero: str = ""

    @property
    def label(self) -> str:
        return self.many if self.count > 1 else self.one


@dataclass
class Entry:
    label: str
    url: str
    detail: str = ""


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    intro: str = ""
    empty: str = ""
    more: tuple[str, str] | None = None  # (label, url) of the full list


def _offered(setting: str, *args) -> list:
    """What each function listed in the setting returns for these arguments, in order."""
    return [import_string(path)(*args) for path in getattr(settings, setting)]


def qpv_links(qpv, user) -> list[Entry]:
    """What the apps listed in settings.COOPERER_QPV_LINKS offer a QPV's page: its vision, the open consultation
    forms and sessions, the open calls."""
    return [entry for entries in _offered("COOPERER_QPV_LINKS", qpv, user) for entry in entries]


def partner_invitations(user) -> list[tuple[str, str]]:
    """Where a suggested partner can be invited (settings.COOPERER_PARTNER_INVITATIONS): (name, page) pairs."""
    return [pair for pairs in _offered("COOPERER_PARTNER_INVITATIONS", user) for pair in pairs]


def home_sections(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    return [section for section in _offered("COOPERER_HOME_SECTIONS", user) if section is not None]


@dataclass
class Notice:
    """A line that a higher app adds to a lower app's page (the copy's origin and what it still has to adapt, a
    link to save it as a template): `warning` when it must be read before the object is used."""

    text: str
    url: str = ""
    link: str = ""
    warning: bool = False


def object_notices(obj, user) -> list[Notice]:
    """What the apps listed in settings.COOPERER_OBJECT_NOTICES say about a consultation, a call, a community or
    a vision on its own pages: each function decides on the server what this person may see."""
    return [notice for notices in _offered("COOPERER_OBJECT_NOTICES", obj, user) for notice in notices]


def similar_elsewhere(obj, user) -> list[Entry]:
    """What the apps listed in settings.COOPERER_SIMILAR_ELSEWHERE find like `obj` (an application, a
    community, a vision element) in other territories: the capitalised initiatives, with the words shared."""
    return [entry for entries in _offered("COOPERER_SIMILAR_ELSEWHERE", obj, user) for entry in entries]

"""The drawing of a community's cooperation network (its current members and the links between them).

The force layout costs ≈ 150 ms for 150 structures, so the rendered SVG is cached (django.core.cache) under
the community and a fingerprint of what the drawing is made of: the member structures (id, name, legal form)
and their links. Any change to them gives a new key; stale entries simply expire."""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cooperer.actors.network import NetworkData, drawing, load_network
from cooperer.communities.models import Community

CACHE_SECONDS = 24 * 3600
WIDTH, HEIGHT = 640, 420


def fingerprint(network: NetworkData) -> str:
    nodes = [(node.id, node.sector, network.names[node.id]) for node in network.nodes]
    edges = [(edge.source, edge.target, edge.kind, edge.start, edge.end) for edge in network.edges]
    return hashlib.blake2b(repr((nodes, edges)).encode(), digest_size=16).hexdigest()


def member_network_svg(community: Community) -> str:
    """The SVG (safe HTML), or "" when the community has no current member. Two queries on a cache hit."""
    structure_ids = community.memberships.current().values("structure_id")
    network = load_network(structure_ids=structure_ids)
    if not network.nodes:
        return ""
    key = f"communities:network:{community.pk}:{fingerprint(network)}"
    svg = cache.get(key)
    if svg is None:
        svg = render_to_string(
            "communities/_network_svg.html", {"drawing": drawing(network, width=WIDTH, height=HEIGHT)}
        )
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # rendered by our template, names autoescaped

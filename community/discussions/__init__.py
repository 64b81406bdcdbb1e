"""同心圆 discussions (issue #12): residents' requests and proposals, supports, the public board, the follow-up
workflow, moderation (community/discussions/requests*.py, board*.py, photos.py, moderation.py), and the
discussion group, hometown sessions, mediation and figures (mediation_setup.py and its modules).

Imports go one way: discussions → community (never branches or volunteers).
"""
from flask import Flask

# Handlers (议事团 members and the community's administrators) see who submitted an item and move it along.
HANDLERS = {"community_admin", "street_admin", "discussion_member"}
ACTIONS = {
    "request.handle": HANDLERS,
    "request.see_author": HANDLERS,
    "request.moderate": {"community_admin", "street_admin"},
}


def init_app(app: Flask) -> None:
    """Register the requests' actions, pages, API, reminder kinds, daily job, demo step and access rows, then
    the mediation helper's parts (mediation_setup.register)."""
    from community.discussions import models, requests_setup  # noqa: F401  (models: the tables)
    from community.registry import registry

    reg = registry(app)
    reg.actions_of("discussions", ACTIONS, picking={"request.handle"})  # the responsible person, by name
    requests_setup.register(reg)
    from community.discussions import mediation_setup

    mediation_setup.register(reg)  # the group, mediation, agenda, figures

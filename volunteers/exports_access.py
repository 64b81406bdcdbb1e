"""Who may start each export of points and activities (see community/access.py).

The worlds: {organisation} of community A with its "scorer" (tests/volunteers/points_world.py build_matrix);
{activity} of A organised by admin_a, with the "organiser" of A (tests/volunteers/activities_world.py). The
job page and the download are the uses of points' rows (volunteers/redemptions_access.py): their owner's only.
"""
from __future__ import annotations

from community.access import OVER_A, OVER_STREET_1, row

ACCESS_ROWS = [
    row("POST /points/organisations/{organisation}/export", OVER_STREET_1 | {"scorer"},
        note="the organisation's scorers and the street's administrators"),
    row("POST /activities/{activity}/export", OVER_A | {"organiser"}, note="who manages the activity"),
    row("POST /points/streets/{street_1}/export", OVER_STREET_1, form={"period": "2026"}),
]

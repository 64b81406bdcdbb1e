"""Fixtures shared by the volunteers tests (each helper adds its own world in its own *_world.py)."""
from tests.volunteers.activities_world import activities_world  # noqa: F401,E402  (activities, sign-ups, kiosk)
from tests.volunteers.points_world import points_world  # noqa: F401  (organisations, quotas, scorers, people)

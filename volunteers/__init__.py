"""Volunteer points (志愿积分): activities, check-ins, the ledger, quotas, grants, redemptions.

The package's models and pages arrive with their own issue; it already registers its role so that imports
go one way (volunteers → community). The scorer role and the organisation scope type come with their models.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the volunteer package's roles (later: scopes, pages, jobs) with the app."""
    from community.registry import registry

    reg = registry(app)
    reg.role("organiser", _l("Activity organiser"), {"street", "community"})
    from volunteers import points_setup

    points_setup.register(reg)
    from volunteers import redemptions_setup  # redemptions, ranked allocations, certificates (uses of points)

    redemptions_setup.register(reg)
    from volunteers import activities_setup

    activities_setup.register(reg)
    from volunteers import exports_setup  # the .xlsx exports of grants, rosters and a street's points

    exports_setup.register(reg)
    from volunteers import bench_data  # `flask bench-data`: activities and the ledger with its totals

    reg.bench_step("activities", bench_data.load_activities)
    reg.bench_step("ledger", bench_data.load_ledger)
    reg.bench_step("totals", bench_data.load_totals)

"""Volunteer points (志愿积分): activities, check-ins, the ledger, quotas, grants, redemptions.

The package's models and pages arrive with their own issue; it already has its place
in the application so that imports go one way (volunteers → community).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the volunteer package's blueprints, scopes and jobs with the app."""

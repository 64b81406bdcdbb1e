"""Mobile party branches (流动党支部): members, outflow links, transfers, dues, organisational life.

The package's models and pages arrive with their own issue; it already has its place
in the application so that imports go one way (branches → community).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the branch package's blueprints, scopes and jobs with the app."""

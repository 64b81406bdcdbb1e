"""Fixtures of the branch tests."""
from tests.branches.roster_support import juexi  # noqa: F401  (the roster tests' street, branches and people)

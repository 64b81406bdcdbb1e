"""Lists of branches and members, filtered in SQL by the actor's scopes."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from branches.models import Branch, BranchMember
from community.authz import any_scope_condition, scope_condition
from community.people.models import Person


def branches_query(actor):
    """The branches the actor may list (a street administrator: those of their street)."""
    statement = select(Branch).order_by(Branch.name, Branch.id)
    allowed = scope_condition(actor, "branch.list", "branch", Branch.id)
    return statement if allowed is None else statement.where(allowed)


def members_query(actor):
    """The members the actor may list: through their branch or their home-side organisation."""
    statement = (select(BranchMember).join(BranchMember.person)
                 .options(joinedload(BranchMember.person), joinedload(BranchMember.branch),
                          joinedload(BranchMember.home_organisation))
                 .order_by(Person.name_key, BranchMember.id))
    allowed = any_scope_condition(actor, "branch_member.list", BranchMember.authz_columns())
    return statement if allowed is None else statement.where(allowed)

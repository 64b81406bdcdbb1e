"""`flask bench-data`: 2,000 mobile party branches (流动党支部) spread over the streets, with 50,000 current
members (25 a branch, each person in one branch at most), and the bench secretary of branch 1."""
from __future__ import annotations

from datetime import timedelta

from branches.models import Branch, BranchMember
from community.bench_data import STREETS, Loader
from community.roles.models import RoleGrant

KINDS = ("mobile", "mobile", "mobile", "joint", "station")


def _stride(people: int) -> int:
    """A step prime to `people`: member m is person 1 + (m × step mod people), all different."""
    return next(s for s in (7919, 7907, 7901) if people % s)


def load_branches(loader: Loader) -> None:
    rng, streets, people = loader.rng, loader.context["streets"], loader.context["people"]
    branches, members = loader.n(2_000, 2), min(loader.n(50_000, 10), people)
    loader.write(Branch.__table__, ("id", "street_id", "name", "kind", "units", "opening_hours", "services"),
                 ((b, 1 + (b - 1) % streets, f"{STREETS[(b - 1) % streets][:-2]}第{b}流动党支部", KINDS[b % 5], [],
                   "周一至周五 9:00–17:00", "党员关系转接、组织生活、志愿服务") for b in range(1, branches + 1)))
    step = _stride(people)
    today = loader.now.date()

    def rows():
        for m in range(members):
            pid = 1 + (m * step) % people
            joined = today - timedelta(days=rng.randint(30, 365 * 25))
            probation = rng.random() < 0.05
            yield (m + 1, 1 + m % branches, pid, "probationary" if probation else "full",
                   today + timedelta(days=rng.randint(10, 300)) if probation else None,
                   "transferred" if rng.random() < 0.7 else "card", joined, "",
                   joined + timedelta(days=rng.randint(0, 3000)), today - timedelta(days=rng.randint(0, 200)))
    loader.write(BranchMember.__table__, ("id", "branch_id", "person_id", "status", "probation_ends_on",
                                          "relationship", "joined_party_on", "employer", "joined_branch_on",
                                          "last_contact_on"), rows())
    secretary = 1  # member 0 of branch 1 is person 1
    loader.write(RoleGrant.__table__, ("person_id", "role", "scope_type", "scope_id", "granted_by_id", "granted_at"),
                 [(secretary, "secretary", "branch", 1, loader.context["staff"][0], loader.now - timedelta(days=30))])
    loader.context["logins"].append(("支部书记 branch secretary (branch 1)", secretary))

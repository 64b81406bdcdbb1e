"""An excused voter who votes after all is counted in the turnout base again."""
from datetime import timedelta

from community.elections.services import roll, voting
from community.elections.services.common import current_round
from tests.community.elections.conftest import count, make_voting


def test_excused_voter_who_votes_is_back_in_the_turnout_base(community):
    election, voters, candidates = make_voting(community, n_voters=6)
    admin = election.test_admin
    early = election.voting_opens_at - timedelta(days=3)
    roll.excuse_voter(admin, election, voters[4].id, now=early)
    roll.excuse_voter(admin, election, voters[5].id, now=early)
    voting.cast_ballot(voters[5], election, [candidates[0].id])  # excused, but came after all
    voting.cast_ballot(voters[0], election, [candidates[0].id])
    after = election.voting_closes_at + timedelta(minutes=1)
    count(election, after)
    round_ = current_round(election)
    assert round_.registered == 6
    assert round_.excused == 1  # only voters[4], who stayed away
    assert round_.ballots_returned == 2

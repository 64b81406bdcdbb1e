"""The counting rules, as pure functions of the numbers."""
from community.elections.counting import (
    count_round,
    majority_needed,
    recall_may_be_proposed,
    recall_outcome,
    second_round_field,
    third_needed,
    turnout_valid,
)


def first(seats, votes, ballots, registered=10, participants=None, excused=0):
    return count_round(stage="first", is_runoff=False, seats=seats, registered=registered, excused=excused,
                       participants=ballots if participants is None else participants, ballots_cast=ballots,
                       votes=votes)


def test_majority_thresholds():
    assert majority_needed(5) == 3
    assert majority_needed(6) == 4
    outcome = first(2, {1: 3, 2: 2, 3: 4}, ballots=5, registered=8)
    assert sorted(outcome.elected) == [1, 3]
    outcome = first(2, {1: 3, 2: 4, 3: 1}, ballots=6, registered=8)
    assert outcome.elected == [2] and outcome.unfilled == 1


def test_turnout_of_exactly_half_is_invalid():
    assert not turnout_valid(5, 10)
    assert turnout_valid(6, 10)
    outcome = first(1, {1: 5}, ballots=5, registered=10)
    assert not outcome.is_valid and outcome.reason == "turnout"


def test_excused_voters_leave_the_turnout_base():
    assert turnout_valid(5, 10, excused=1)
    assert first(1, {1: 5, 2: 0}, ballots=5, registered=10, excused=1).is_valid


def test_more_ballots_than_voters_voids_the_round():
    outcome = first(1, {1: 6}, ballots=7, participants=6, registered=8)
    assert not outcome.is_valid and outcome.reason == "more_ballots_than_voters"
    assert outcome.elected == []


def test_highest_first_when_more_pass_than_seats():
    outcome = first(2, {1: 8, 2: 7, 3: 6}, ballots=9)
    assert outcome.elected == [1, 2] and outcome.runoff == []


def test_tie_at_last_seat_goes_to_a_runoff():
    outcome = first(2, {1: 8, 2: 6, 3: 6}, ballots=9)
    assert outcome.elected == [1]
    assert sorted(outcome.runoff) == [2, 3] and outcome.runoff_seats == 1
    runoff = count_round(stage="first", is_runoff=True, seats=1, registered=10, excused=0, participants=9,
                         ballots_cast=9, votes={2: 5, 3: 4})
    assert runoff.elected == [2]


def test_second_round_one_third_floor():
    assert third_needed(9) == 3 and third_needed(10) == 4
    outcome = count_round(stage="second", is_runoff=False, seats=2, registered=12, excused=0, participants=10,
                          ballots_cast=10, votes={1: 4, 2: 3, 3: 3})
    assert outcome.elected == [1] and outcome.unfilled == 1  # 3 of 10 is below one third: vacancy


def test_second_round_field_is_contested_and_keeps_ties():
    assert second_round_field({1: 9, 2: 5, 3: 4, 4: 2}, [2, 3, 4], unfilled=1, extra=1) == [2, 3]
    assert second_round_field({2: 5, 3: 4, 4: 4}, [2, 3, 4], unfilled=1, extra=1) == [2, 3, 4]


def test_recall_thresholds():
    assert recall_may_be_proposed(10, 2) and not recall_may_be_proposed(11, 2)
    assert recall_outcome(10, 5, 5) == (False, False)  # exactly half voting: invalid
    assert recall_outcome(10, 6, 3) == (True, False)  # half of the votes: fails
    assert recall_outcome(10, 6, 4) == (True, True)

"""A new user's default role is the one that may do the least (issue 26, item 7)."""

from shop_orders.domain.roles import ALL_ACTIONS, DEFAULT_MATRIX, Role, allowed, least_privileged


def test_the_default_matrix_gives_the_bookkeeper_the_least():
    counts = {r: sum(allowed(DEFAULT_MATRIX, r, a) for a in ALL_ACTIONS) for r in Role}
    assert least_privileged(DEFAULT_MATRIX) is Role.BOOKKEEPER
    assert counts[Role.BOOKKEEPER] == min(counts.values()) < counts[Role.WAREHOUSE]


def test_when_the_owner_gives_the_bookkeeper_more_the_default_follows_the_matrix():
    generous = {a: roles | {Role.BOOKKEEPER} for a, roles in DEFAULT_MATRIX.items()}
    chosen = least_privileged(generous)
    assert chosen is not Role.BOOKKEEPER and chosen is not Role.OWNER
    counts = {r: sum(allowed(generous, r, a) for a in ALL_ACTIONS) for r in Role}
    assert counts[chosen] == min(counts.values())

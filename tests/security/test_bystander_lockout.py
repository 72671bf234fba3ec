"""Failed log-ins slow whoever makes them, and never lock a known account's owner out
(V2.2.1: anti-automation effective against brute force *and* account lockout attacks).

The per-account limit counts failures per (account, client address): ten wrong passwords for
the administrator from ten addresses leave the administrator, at their own address, free to log
in; ten from one address still stop that address for that account. The per-address limit across
all accounts stays. The client address is REMOTE_ADDR here (PROXY_COUNT=0 in the tests); behind
a proxy, PROXY_COUNT must be right, or every client shares the proxy's address.
"""

from tests.conftest import PASSWORD, log_in
from training.accounts.models import Role

WRONG = "pas le bon mot de passe du tout"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_ten_failures_from_ten_addresses_do_not_lock_the_owner_out(app, make_user):
    make_user("admin@exemple.fr", role=Role.ADMIN)
    for host in range(1, 11):
        attacker = client_at(app, f"203.0.113.{host}")
        assert log_in(attacker, "admin@exemple.fr", WRONG).status_code == 422

    owner = client_at(app, "198.51.100.7")
    assert log_in(owner, "admin@exemple.fr", PASSWORD).status_code == 302


def test_ten_failures_from_one_address_still_stop_that_address(app, make_user):
    make_user("admin@exemple.fr", role=Role.ADMIN)
    attacker = client_at(app, "203.0.113.9")
    statuses = [log_in(attacker, "admin@exemple.fr", WRONG).status_code for _ in range(11)]
    assert statuses == [422] * 10 + [429]
    # Even the right password waits, at that address: a guess must not be told it was right.
    assert log_in(attacker, "admin@exemple.fr", PASSWORD).status_code == 429

    owner = client_at(app, "198.51.100.7")
    assert log_in(owner, "admin@exemple.fr", PASSWORD).status_code == 302

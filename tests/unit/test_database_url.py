"""`DATABASE_URL` as the deployment guide writes it: percent-encoded parts, libpq parameters kept."""

from __future__ import annotations

import pytest

from shared.database import DatabaseAddress, DatabaseUrlError
from shared.migrations import READER_ROLE

PASSWORD = "p@ss:w/rd%?#&=é"
ENCODED = "p%40ss%3Aw%2Frd%25%3F%23%26%3D%C3%A9"


def test_a_percent_encoded_password_is_decoded() -> None:
    address = DatabaseAddress.from_url(f"postgresql://coorace:{ENCODED}@db.example:6432/coorace")
    assert (address.user, address.password, address.host, address.port, address.dbname) == (
        "coorace",
        PASSWORD,
        "db.example",
        6432,
        "coorace",
    )


def test_the_url_given_to_the_drivers_encodes_the_password_again() -> None:
    address = DatabaseAddress("db.example", 5432, "coorace", PASSWORD, "coorace")
    url = address.url()
    assert url == f"postgresql://coorace:{ENCODED}@db.example:5432/coorace"
    assert DatabaseAddress.from_url(url) == address


def test_libpq_parameters_are_kept_and_given_back() -> None:
    url = "postgresql://coorace:x@db.example:5432/coorace?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"
    address = DatabaseAddress.from_url(url)
    assert address.options == (("sslmode", "verify-full"), ("sslrootcert", "/etc/ca.pem"))
    assert address.url() == url
    assert address.with_dbname("other").options == address.options
    env = address.eventsourcing_env("membership")
    assert env["POSTGRES_LIBPQ_OPTIONS"] == "sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"


def test_a_socket_directory_in_the_query_is_the_host() -> None:
    address = DatabaseAddress.from_url("postgresql://postgres:@/postgres?host=/tmp/pg%20sock&port=5433")
    assert (address.host, address.port, address.options) == ("/tmp/pg sock", 5433, ())
    assert DatabaseAddress.from_url(address.url()) == address


def test_the_reader_address_is_the_same_database_as_the_reader_role() -> None:
    address = DatabaseAddress.from_url("postgresql://coorace:secret@db:5432/coorace?sslmode=require")
    reader = address.as_reader("reader secret")
    assert (reader.user, reader.password, reader.host, reader.dbname) == (READER_ROLE, "reader secret", "db", "coorace")
    assert reader.options == (("sslmode", "require"),)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:p@h/db", "must start with postgresql://"),
        ("postgresql://u:p@h/db?sslmod=require", "unsupported parameter"),
        ("postgresql://u:p@h/db?sslmode=required", "sslmode='required' is not one of"),
        ("postgresql://u:p@h:port/db", "the port is not a number"),
        ("postgresql://u:p@h:70000/db", "the port is not a number from 1 to 65535"),
    ],
)
def test_a_url_that_cannot_work_is_refused_with_its_reason(url: str, message: str) -> None:
    with pytest.raises(DatabaseUrlError, match=message):
        DatabaseAddress.from_url(url)

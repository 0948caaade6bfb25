"""Neo4j, through the official ``neo4j`` driver: the only module that imports it.

The password is never a command-line flag: :func:`password_from_env` reads it from the
``KINLINK_NEO4J_PASSWORD`` environment variable. Writes run in managed write transactions and
reads in read transactions on a ``READ`` session, so the server itself refuses a write in a
query meant to be read-only.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kinlink.errors import ExportError
from kinlink.graph.export.engine import ConnectionDropped, Result

log = logging.getLogger(__name__)

__all__ = ["PASSWORD_ENV", "Neo4jEngine", "key_constraint_statement", "password_from_env"]

PASSWORD_ENV = "KINLINK_NEO4J_PASSWORD"
#: The URI schemes of the Bolt protocol (the only one kinlink uses).
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_LABEL = re.compile(r"^[A-Z][A-Za-z]*$")


def password_from_env(var: str = PASSWORD_ENV) -> str:
    """The Neo4j password from the environment.

    Raises
    ------
    ExportError
        If the variable is unset or empty.
    """
    password = os.environ.get(var, "")
    if not password:
        raise ExportError(f"set the Neo4j password in the environment variable {var}")
    return password


def key_constraint_statement(label: str) -> str:
    """The statement that declares ``label``'s ``key`` unique (and so indexed) in Neo4j.

    Raises
    ------
    ValueError
        If ``label`` is not a kinlink label (one capitalised word).

    Examples
    --------
    >>> key_constraint_statement("Record")
    'CREATE CONSTRAINT kinlink_record_key IF NOT EXISTS FOR (n:Record) REQUIRE n.key IS UNIQUE'
    """
    if not _LABEL.match(label):
        raise ValueError(f"not a kinlink label: {label!r}")
    return (
        f"CREATE CONSTRAINT kinlink_{label.lower()}_key IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.key IS UNIQUE"
    )


def _driver_module() -> Any:
    try:
        import neo4j
    except ImportError as e:
        raise ExportError(
            "Neo4j support needs the 'neo4j' extra: pip install 'kinlink[neo4j]'"
        ) from e
    return neo4j


def _plain(value: Any, neo4j: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, neo4j.graph.Node):
        return dict(value)
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **dict(value)}
    if isinstance(value, neo4j.graph.Path):
        return [dict(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v, neo4j) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, neo4j) for k, v in value.items()}
    return value


class Neo4jEngine:
    """A connection to a Neo4j database.

    Parameters
    ----------
    uri : str
        ``bolt://host:7687``, ``neo4j://…`` or ``neo4j+s://…``.
    user : str
        The user name.
    password : str
        The password (see :func:`password_from_env`).
    database : str, optional
        The database; the server's default when ``None``.
    """

    name = "neo4j"

    def __init__(self, uri: str, user: str, password: str, *, database: str | None = None) -> None:
        scheme = uri.partition("://")[0].lower()
        if "://" not in uri or scheme not in SCHEMES:
            raise ExportError(
                f"not a usable Neo4j URI {uri!r}: expected {', '.join(s + '://' for s in SCHEMES)}"
            )
        self.uri = uri
        self.database = database
        self._auth = (user, password)
        self._driver: Any = None
        self.reconnect()

    def reconnect(self) -> None:
        """Open a new driver (closing the old one) and check the server answers."""
        neo4j = _driver_module()
        self.close()
        try:
            self._driver = neo4j.GraphDatabase.driver(self.uri, auth=self._auth)
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as e:
            raise ExportError(f"Neo4j at {self.uri} refused the user name or password") from e
        except (neo4j.exceptions.ServiceUnavailable, OSError) as e:
            raise ConnectionDropped(f"cannot reach Neo4j at {self.uri}: {e}") from e
        except (neo4j.exceptions.ConfigurationError, ValueError) as e:
            raise ExportError(f"not a usable Neo4j URI {self.uri!r}: {e}") from e

    def run(
        self, query: str, params: Mapping[str, Any] | None = None, *, read_only: bool = False
    ) -> Result:
        """Run ``query`` in a managed transaction (a read transaction if ``read_only``)."""
        neo4j = _driver_module()

        def work(tx: Any) -> Result:
            res = tx.run(query, dict(params or {}))
            keys = list(res.keys())
            return Result(keys, [[_plain(v, neo4j) for v in rec.values()] for rec in res])

        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        try:
            with self._driver.session(database=self.database, default_access_mode=mode) as s:
                return s.execute_read(work) if read_only else s.execute_write(work)
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as e:
            raise ConnectionDropped(f"Neo4j connection lost: {e}") from e
        except neo4j.exceptions.Neo4jError as e:
            raise ExportError(f"Neo4j rejected the query: {e.message}\n{query}") from e
        except neo4j.exceptions.DriverError as e:
            raise ExportError(f"Neo4j driver error: {e}\n{query}") from e

    def ensure_key_constraints(self, labels: Sequence[str]) -> None:
        """``CREATE CONSTRAINT … IF NOT EXISTS … REQUIRE n.key IS UNIQUE`` for each label
        (a uniqueness constraint is backed by an index in Neo4j)."""
        for label in labels:
            self.run(key_constraint_statement(label))

    def close(self) -> None:
        """Close the driver."""
        if self._driver is not None:
            try:
                self._driver.close()
            finally:
                self._driver = None

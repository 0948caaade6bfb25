"""The dashboard listens on this machine only, however it is started, unless asked otherwise.

The dashboard has no login: anyone who can reach its address can read every record. ``kinlink
dashboard`` binds ``127.0.0.1`` and refuses another ``--host`` without ``--allow-remote``. But
``streamlit run dashboard/app.py`` (or any other way of starting the app) binds every interface
unless told ``--server.address``; so the app itself checks, before it loads anything, where the
server is listening (and, as a second check, where the browser connects from) and refuses to show
any data when that is not this machine, unless the environment variable
``KINLINK_DASHBOARD_ALLOW_REMOTE=1`` says so (``kinlink dashboard --allow-remote`` sets it).

Examples
--------
>>> refusal("127.0.0.1", None, allowed=False) is None
True
>>> print(refusal(None, None, allowed=False))  # doctest: +ELLIPSIS
kinlink refuses to serve ... every network interface ...
>>> refusal("0.0.0.0", "192.0.2.7", allowed=True) is None
True
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any, Final

__all__ = ["ALLOW_REMOTE_ENV", "is_local", "refusal", "remote_allowed"]

#: Set to ``1`` to let the dashboard serve other machines (``kinlink dashboard --allow-remote``).
ALLOW_REMOTE_ENV: Final = "KINLINK_DASHBOARD_ALLOW_REMOTE"

_HOW = (
    "Start it with `kinlink dashboard SOURCE` (127.0.0.1 by default) or give "
    "`--server.address 127.0.0.1` to `streamlit run`. To serve other machines on purpose, "
    f"put an authenticating proxy in front and set {ALLOW_REMOTE_ENV}=1 "
    "(`kinlink dashboard --allow-remote`); see SECURITY.md."
)


def is_local(host: Any) -> bool:
    """Whether ``host`` names this machine only: ``localhost`` or a loopback address.

    Examples
    --------
    >>> [is_local(h) for h in ("localhost", "127.0.0.1", "127.0.1.1", "::1", "0.0.0.0", "", None)]
    [True, True, True, True, False, False, False]
    """
    if not isinstance(host, str) or not host.strip():
        return False
    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def remote_allowed() -> bool:
    """Whether ``KINLINK_DASHBOARD_ALLOW_REMOTE`` allows serving other machines."""
    return os.environ.get(ALLOW_REMOTE_ENV, "").strip().lower() in {"1", "true", "yes"}


def refusal(server_address: Any, client_ip: Any, *, allowed: bool) -> str | None:
    """Why the app must not serve this session, or ``None`` when it may.

    Parameters
    ----------
    server_address : str or None
        Streamlit's ``server.address`` option (``None`` or empty: every interface).
    client_ip : str or None
        ``st.context.ip_address``: ``None`` for a browser on this machine. Anything but a string
        (as in Streamlit's test harness) is no information and ignored.
    allowed : bool
        :func:`remote_allowed`.
    """
    if allowed:
        return None
    if not is_local(server_address):
        where = (
            f"the address {server_address}"
            if isinstance(server_address, str) and server_address.strip()
            else "every network interface (Streamlit's default)"
        )
        return (
            f"kinlink refuses to serve the records on {where}: the dashboard has no login, so "
            f"anyone who can reach it could read them. {_HOW}"
        )
    if isinstance(client_ip, str) and client_ip and not is_local(client_ip):
        return f"kinlink refuses to serve a browser on another machine ({client_ip}). {_HOW}"
    return None

"""Who sees which contracts in search: every department, or only the caller's own."""

from __future__ import annotations

from collections.abc import Iterable

from services.search.domain.requests import Visibility


def visibility_for(
    roles: Iterable[str], department: str, all_departments_roles: Iterable[str]
) -> Visibility:
    """Admin, service and legal (by default) see all; others only their department.

    A caller with no department sees nothing rather than everything.
    """
    if set(roles) & set(all_departments_roles):
        return Visibility.everything()
    return Visibility.only(department) if department else Visibility()

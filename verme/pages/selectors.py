from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError


def database_is_reachable() -> bool:
    """True when a trivial query succeeds on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError:
        return False
    return bool(row == (1,))

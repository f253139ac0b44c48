"""Structural tenancy: a tenant-owned queryset must say whose rows it wants before it runs.

``Model.objects.all()`` on a tenant-owned model raises :class:`TenantScopeError` when evaluated;
``Model.objects.for_organisation(org)`` (or ``.for_organisations(orgs)``) filters and unlocks it.
A queryset that itself filters on the organisation (``filter(organisation=org)``, as Django's
own unique-constraint checks do) counts as scoped too, and so do rows reached through a related
manager of an already-fetched object (``unit.memberships.all()``). ``unscoped()`` is the
explicit, greppable way out for the Django admin of network admins and for maintenance commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.db import models
from django.db.models.lookups import Lookup
from django.db.models.sql.where import AND, WhereNode

if TYPE_CHECKING:
    from verme.organisations.models import Organisation


class TenantScopeError(RuntimeError):
    """A tenant-owned queryset was evaluated without naming its organisation."""


_M = TypeVar("_M", bound=models.Model)


class TenantQuerySet(models.QuerySet[_M]):
    """A queryset that refuses to run until it is scoped to one or more organisations."""

    _tenant_scoped: bool = False

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _filters_on_tenant(self) -> bool:
        """True when an AND-ed, non-negated condition pins the direct organisation foreign key."""
        path: str = getattr(self.model, "tenant_path", "organisation")
        if "__" in path:
            return False
        nodes: list[Any] = [self.query.where]
        while nodes:
            node = nodes.pop()
            if isinstance(node, WhereNode):
                if node.connector == AND and not node.negated:
                    nodes.extend(node.children)
            elif isinstance(node, Lookup) and node.lookup_name in {"exact", "in"}:
                target = getattr(node.lhs, "target", None)
                if target is not None and target.model is self.model and target.name == path:
                    return True
        return False

    def _check_scope(self) -> None:
        hints: dict[str, Any] = getattr(self, "_hints", {})
        if self._tenant_scoped or "instance" in hints or self._filters_on_tenant():
            return
        raise TenantScopeError(
            f"{self.model.__name__} rows are owned by organisations: call "
            f".for_organisation(org) (or .unscoped() in admin code) before using the queryset."
        )

    def _mark_scoped(self) -> Self:
        self._tenant_scoped = True
        return self

    def for_organisation(self, organisation: Organisation) -> Self:
        """Only this organisation's rows."""
        path: str = getattr(self.model, "tenant_path", "organisation")
        return self.filter(**{path: organisation})._mark_scoped()

    def for_organisations(self, organisations: Iterable[Organisation]) -> Self:
        """Only these organisations' rows (a network admin's view)."""
        path: str = getattr(self.model, "tenant_path", "organisation")
        return self.filter(**{f"{path}__in": list(organisations)})._mark_scoped()

    def unscoped(self) -> Self:
        """Every organisation's rows: only for network admins' admin pages and maintenance."""
        return self._clone()._mark_scoped()

    # Every way a queryset reaches the database passes one of these.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        self._check_scope()
        return super().count()

    def exists(self) -> bool:
        self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()


class TenantManager(models.Manager[_M]):
    """Default manager of tenant-owned models; see the module docstring."""

    def get_queryset(self) -> TenantQuerySet[_M]:
        return TenantQuerySet(self.model, using=self._db)

    def for_organisation(self, organisation: Organisation) -> TenantQuerySet[_M]:
        return self.get_queryset().for_organisation(organisation)

    def for_organisations(self, organisations: Iterable[Organisation]) -> TenantQuerySet[_M]:
        return self.get_queryset().for_organisations(organisations)

    def unscoped(self) -> TenantQuerySet[_M]:
        return self.get_queryset().unscoped()


class TenantOwned(models.Model):
    """Base for models whose rows belong to one organisation, reached through ``tenant_path``.

    Each concrete model declares ``objects: ClassVar[TenantManager[Model]] = TenantManager()``.
    """

    tenant_path: ClassVar[str] = "organisation"

    class Meta:
        abstract = True

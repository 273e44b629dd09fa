"""Route factories: the context a route's views receive, with the route's object in it.

A capability's routes name a factory of its own (engage/views/<capability>/resources.py), a
subclass of Resource: the views take (context, request) and read `context.consultation`,
`context.session`... instead of loading and checking ids themselves. Each object is loaded
from the read models the first time a view asks for it, after Pyramid has checked the view's
permission against the matrix (Root's ACL): an unauthorised visitor learns nothing from an
id, and an unknown or malformed one is a 404, never a 500.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from pyramid.httpexceptions import HTTPNotFound

from engage.security import Root

T = TypeVar("T")


class Resource(Root):
    @property
    def db(self):
        return self.request.engage.db

    def uuid(self, key: str) -> UUID:
        """An id from the URL; a malformed one is an unknown page."""
        try:
            return UUID(self.request.matchdict[key])
        except (KeyError, ValueError):
            raise HTTPNotFound() from None

    @staticmethod
    def found(value: T | None) -> T:
        if value is None:
            raise HTTPNotFound()
        return value

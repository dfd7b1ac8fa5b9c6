"""Typed event handlers: each gets the event and the installation it came through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gidgethub import routing, sansio

from app.context import Context
from app.github.client import GitHubAPI
from app.org import Installation

EventHandler = Callable[[sansio.Event, Installation], Awaitable[None]]
"""A feature's event handler: the event, and the installation it came through."""


def handles(
    router: routing.Router, event: str, **where: str
) -> Callable[[EventHandler], EventHandler]:
    """Decorator: route ``event`` (optionally one ``action=``) of ``router`` to a typed handler.

    The workers call gidgethub's routers with the installation's client and ``ctx=``; this
    turns them into the one per-organisation object handlers take.
    """

    def add(handler: EventHandler) -> EventHandler:
        async def call(
            event: sansio.Event, gh: GitHubAPI, *args: object, ctx: Context, **kwargs: object
        ) -> None:
            await handler(event, Installation.of_event(ctx, gh, event.data))

        call.__qualname__ = handler.__qualname__
        router.add(call, event, **where)
        return handler

    return add

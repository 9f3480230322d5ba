"""The pages' templates: Jinja2 with govflow's filters and the header's context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.web.formats import yuan, zh_date, zh_datetime
from api.web.nav import entity_page, links_for, task_page
from domain.actors import ROLE_LABELS, Actor

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_DIRECTORY = Path(__file__).parent / "static"
TEMPLATES.env.filters.update(zh_date=zh_date, zh_datetime=zh_datetime, yuan=yuan)
TEMPLATES.env.globals.update(entity_page=entity_page, task_page=task_page)


def render(request: Request, template: str, *, actor: Actor | None, title: str,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``title`` is its <title> and heading; the header shows who is signed in."""
    return TEMPLATES.TemplateResponse(
        request, template, status_code=status_code,
        context={
            "actor": actor,
            "role_label": ROLE_LABELS[actor.role] if actor is not None else None,
            "nav": links_for(actor),
            "title": title,
            **context,
        },
    )


def forbidden(request: Request, actor: Actor | None, message: str) -> HTMLResponse:
    """The page a user may not open (wrong role or another unit's case): says why."""
    return render(request, "message.html", actor=actor, title="无权访问", message=message,
                  status_code=403)


def not_found(request: Request, actor: Actor | None, message: str) -> HTMLResponse:
    return render(request, "message.html", actor=actor, title="未找到", message=message,
                  status_code=404)

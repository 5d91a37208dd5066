"""The portal's language (issue 12): the person's choice, then the browser's.

- Anonymous visitors: Django's LocaleMiddleware, i.e. the language cookie the switcher sets, then
  `Accept-Language`, then settings.LANGUAGE_CODE.
- Signed-in people: `User.language` when they chose one, on every browser they sign in on
  (`UserLanguageMiddleware`, which also sets the cookie so the browser keeps it after sign-out);
  blank follows the browser as for anonymous visitors.
- The switcher in the base layout posts to `set_language`, Django's view, which also saves a
  signed-in person's choice on their account.
- Emails are written in the recipient's language (`recipient_language`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from members.models import User
from ogplocal.access import Policy, access_policy


def _supported(language: str | None) -> str:
    return language if language and language in dict(settings.LANGUAGES) else ""


def language_or_default(language: str | None) -> str:
    return _supported(language) or settings.LANGUAGE_CODE


def recipient_language(user: Any) -> str:
    """The language to write to `user` in: their choice, or the portal's default."""
    return language_or_default(getattr(user, "language", ""))


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in person's own choice beats what LocaleMiddleware
    read from the cookie or Accept-Language. Only requests that carry a session cookie are looked
    at, so anonymous pages neither read the session nor vary on it more than they did."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = ""
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if user.is_authenticated:
                language = _supported(getattr(user, "language", ""))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            _set_cookie(response, language)
        return response


def _set_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _csrf_refused(request: HttpRequest) -> HttpResponse | None:
    check = CsrfViewMiddleware(lambda request: HttpResponse())
    return check.process_view(request, lambda request: HttpResponse(), (), {})


@csrf_exempt
@access_policy(Policy.PUBLIC)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (the cookie, then back to `next`), saving a signed-in person's
    choice on their account.

    CSRF: anonymous public pages are cached for every visitor (ogplocal.public_cache), so their
    switcher cannot carry a per-visitor token; an anonymous switch only sets that browser's
    language cookie. A signed-in person's switch changes their account and is checked as usual.
    """
    if request.user.is_authenticated:
        refused = _csrf_refused(request)
        if refused is not None:
            return refused
    response = i18n.set_language(request)
    language = _supported(request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    user = request.user
    if language and user.is_authenticated and getattr(user, "language", "") != language:
        User.objects.filter(pk=user.pk).update(language=language)
    return response

"""The interface language: Simplified Chinese unless the user chose English with the switch."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """Activate the language of the switch's cookie, else the default (zh-hans).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office whose
    browser happens to be set to English would see a half-English portal; here the choice is
    the user's, made once with the switch in the top bar."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RefuseNulCharacters:
    """A NUL character in a query or form value cannot be stored (PostgreSQL refuses it in text)
    and is never typed on purpose: such a request is refused with a message, before any view
    tries to save it (it was a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
        for source in sources:
            for values in source.lists():
                if any("\x00" in value for value in [values[0], *values[1]]):
                    raise BadRequest(_("输入中含有不可见的控制字符（NUL），请删除后重试。"))
        return self.get_response(request)


MB = 1024 * 1024


def request_limit(view_name: str | None) -> int:
    """The largest request body a view accepts: its uploads (settings.UPLOAD_REQUEST_LIMITS, by
    URL name) or REQUEST_MAX_BYTES for everything else (forms, JSON)."""
    return settings.UPLOAD_REQUEST_LIMITS.get(view_name or "", settings.REQUEST_MAX_BYTES)


class RefuseOversizedRequests:
    """A request body larger than its view could accept is refused (413) from its declared
    Content-Length, before Django reads or spools any of it: an anonymous 1 GB POST to /login/
    was written to disk. nginx in front enforces the largest of these limits too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            allowed = request_limit(view_name)
            if length > allowed:
                message = _("提交的内容过大（%(size).1f MB），此处上限为 %(limit)s MB。") % {
                    "size": length / MB,
                    "limit": f"{allowed / MB:g}",
                }
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": message, "code": "too_large"}, status=413)
                return render(request, "400.html", {"message": message}, status=413)
        return self.get_response(request)

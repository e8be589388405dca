"""The interface language: Simplified Chinese unless the user chose English with the switch."""

from django.conf import settings
from django.core.exceptions import BadRequest
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

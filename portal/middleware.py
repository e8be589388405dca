"""The interface language: Simplified Chinese unless the user chose English with the switch."""

from django.conf import settings
from django.utils import translation


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

"""The REST API's shared ground: authentication, error bodies, tokens, regions and departments.

Every endpoint of /api/v1/ reads through the selectors of its app, which filter through
portal.scoping, so an object outside the user's scope is simply not found (404), never a 403
that would confirm it exists. A 403 is only ever given for an object the user can already see
but may not act on (an office saving an official's figures, a department approving).

Authentication: a token (``Authorization: Token <key>``, from POST /api/v1/auth/token/) or the
portal's session (with its CSRF token for writes). A request without either gets 401.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import tokens
from portal.models import Department, Region
from portal.scoping import visible_regions
from portal.tokens import ExpiringTokenAuthentication

# Path parameters are matched by these patterns, so a malformed value never reaches the database
# (a NUL byte in a lookup is an error on PostgreSQL): it is simply not found.
REGION_CODE = r"[0-9]{1,12}"
SLUG = r"[-a-zA-Z0-9_]{1,64}"
PK = r"[0-9]{1,18}"


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal: a message in the user's language, and a machine-readable code."""

    detail = serializers.CharField(help_text=_("给用户看的说明（中文）"))
    code = serializers.CharField(
        required=False, help_text=_("错误类别，如 invalid、conflict、invalid_state")
    )
    errors = serializers.JSONField(
        required=False, help_text=_("code=invalid 时：按字段列出的请求错误")
    )


ERRORS = {
    "400": OpenApiResponse(ErrorSerializer, description=_("请求内容有误")),
    "401": OpenApiResponse(
        ErrorSerializer, description=_("未登录：请使用 Token 或会话认证（Authorization: Token …）")
    ),
    "403": OpenApiResponse(
        ErrorSerializer, description=_("可以看到该对象，但无权执行此操作（如办公室修改填报数据）")
    ),
    "404": OpenApiResponse(ErrorSerializer, description=_("不存在，或不在您的权限范围内")),
}


class PortalSchema(AutoSchema):
    """Documents what every scoped endpoint may answer besides success: 401 when not signed in,
    404 when a path names something the user cannot see."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        # A PATCH is documented with a partial serializer (every field optional), unless the
        # serializer says some fields stay required (the version of an optimistic lock).
        if self.method == "PATCH" and getattr(serializer, "required_on_patch", False):
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)

    def get_tags(self):
        # /api/v1/<resource>/...: tag by resource, so the docs group the endpoints.
        parts = [p for p in self._tokenize_path() if p not in {"api", "v1"}]
        return parts[:1] or super().get_tags()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        extra = []
        if any(p is permissions.IsAuthenticated for p in self.view.permission_classes):
            extra.append("401")
        if "{" in self.path:
            extra.append("404")
        for code in extra:
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code)
        return responses


class ScopedMixin:
    """Token first, so that an anonymous request is told how to authenticate (401, not 403).
    JSON in, JSON out; a malformed request gets one error shape (ErrorSerializer)."""

    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    schema = PortalSchema()

    def handle_exception(self, exc):
        if isinstance(exc, ValidationError):
            return Response(
                {
                    "detail": gettext("请求内容有误，请按 errors 修改。"),
                    "code": "invalid",
                    "errors": exc.detail,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().handle_exception(exc)


class ScopedReadOnlyViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail, both read through the app's scoped selector."""


# --- Token -------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("在请求头中使用：Authorization: Token <token>"))


class ObtainTokenView(ScopedMixin, APIView):
    """Exchange a username and password for the user's API token.

    Goes through django.contrib.auth.authenticate() with the request, so the login throttling of
    django-axes applies exactly as on the login page: after too many failures the username is
    locked from that address and even the right password gets no token until the cool-off ends.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: ERRORS["400"],
            429: OpenApiResponse(ErrorSerializer, description=_("登录失败次数过多，暂时锁定")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return Response(
                {
                    "detail": gettext(
                        "登录失败次数过多，该账号已被暂时锁定，请稍后再试或联系管理员。"
                    ),
                    "code": "locked_out",
                },
                status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
            )
        if user is None or not user.is_active:
            return Response(
                {"detail": gettext("用户名或密码不正确。"), "code": "invalid_credentials"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": tokens.issue(user).key})


# --- Regions and departments -------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text=_("上级区划代码"))

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_name", "parent"]

    def get_parent(self, region) -> str | None:
        # From the materialised path ("350000/350100/350111/"): no query per region.
        codes = [code for code in region.path.split("/") if code]
        return codes[-2] if len(codes) > 1 else None


# Nested wherever a region is named; one component, so its level enum has one name.
RegionRefSerializer = RegionSerializer


class DepartmentSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "aliases", "is_active", "region"]


@extend_schema_view(
    list=extend_schema(summary=_("可查看的区划（本区划及其下级）")),
    retrieve=extend_schema(summary=_("区划详情")),
)
class RegionViewSet(ScopedReadOnlyViewSet):
    """The regions the user may open: their own and those below it."""

    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = REGION_CODE

    def get_queryset(self):
        return visible_regions(self.request.user).order_by("path")


@extend_schema_view(
    list=extend_schema(summary=_("可查看区划的部门")),
    retrieve=extend_schema(summary=_("部门详情")),
)
class DepartmentViewSet(ScopedReadOnlyViewSet):
    """The departments of the regions the user may open."""

    serializer_class = DepartmentSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return (
            Department.objects.filter(region__in=visible_regions(self.request.user))
            .select_related("region")
            .order_by("region__path", "name")
        )

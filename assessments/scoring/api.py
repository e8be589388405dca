"""REST endpoints for assessment results: a rulebook's results as readers see them, publishing
(and correcting) them, and every publication as it was signed. Reads are scoped as exports are
(an office reads its region's rulebooks and those below); publishing asks portal.scoping
(may_sign_for), and is one call of the publications service.

How a refusal reaches the client: a rulebook outside the user's scope is 404; one the user can
read but not sign is 403; publications.PublishRefused (a run going, no results, projections,
changed definitions, unconfirmed flags, a correction without a reason) is 409 ``not_publishable``
with the reasons in ``detail``. Nothing is published then."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Publication, Rulebook
from assessments.scoring import publications, results
from portal.api import ERRORS, PK, ErrorSerializer, ScopedMixin, ScopedReadOnlyViewSet
from portal.scoping import export_q, may_sign_for

NOT_PUBLISHABLE = "not_publishable"


class ResultSerializer(serializers.Serializer):
    region = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=_("被考核单位名称（区划或部门）"))
    total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    grade = serializers.CharField(help_text=_("等次；未参评时为空"))
    rank = serializers.IntegerField(allow_null=True, help_text=_("未参评时为空"))
    peers = serializers.IntegerField()
    reported = serializers.BooleanField(help_text=_("是否参评（有已审核数据）"))
    projected = serializers.BooleanField(help_text=_("是否为按年末预测值计算的预计得分"))
    vetoed = serializers.BooleanField()
    veto_reason = serializers.CharField()
    items = serializers.JSONField(help_text=_("{项目编号: 得分}"))
    figures = serializers.JSONField(help_text=_("{指标代码: 计分所用数值}"))
    flags = serializers.JSONField(help_text=_("[{item, kind}]，kind 如 missing_reference"))

    def get_region(self, result) -> dict | None:
        """The region scored; None for a department (a departments' rulebook, see ``unit``)."""
        if result.region_id is None:
            return None
        return {"code": result.region.code, "name": result.region.name}

    def get_unit(self, result) -> str:
        return result.unit_name


class PublicationSerializer(serializers.ModelSerializer):
    rulebook = serializers.SerializerMethodField()
    published_by = serializers.SerializerMethodField()
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "year", "number", "rulebook", "published_at", "published_by",
                  "supersedes", "reason", "flags"]  # fmt: skip

    def get_rulebook(self, publication) -> dict:
        book = publication.rulebook
        return {"id": book.pk, "name": book.name, "version": book.version,
                "scope": book.scope.code}  # fmt: skip

    def get_published_by(self, publication) -> str | None:
        return publication.published_by.username if publication.published_by else None


class PublicationDetailSerializer(PublicationSerializer):
    results = serializers.SerializerMethodField()
    definitions = serializers.JSONField(help_text=_("发布时固定的计算依据"))

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "definitions", "results"]

    def get_results(self, publication) -> list[dict]:
        return ResultSerializer(results.publication_results(publication), many=True).data


class PublishSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text=_("更正已发布的结果时必填")
    )
    confirm_flags = serializers.BooleanField(
        required=False, default=False, help_text=_("确认按缺参照值等情况发布")
    )


class ShownSerializer(serializers.Serializer):
    published = serializers.BooleanField()
    publication = serializers.IntegerField(allow_null=True)
    results = ResultSerializer(many=True)


def _rulebook(user, pk: int) -> Rulebook:
    return get_object_or_404(
        Rulebook.objects.filter(export_q(user, "scope")).select_related("scope"), pk=pk
    )


@extend_schema_view(
    list=extend_schema(summary=_("考核结果发布记录（含更正）")),
    retrieve=extend_schema(summary=_("一次发布：结果与发布时固定的计算依据")),
)
class PublicationViewSet(ScopedReadOnlyViewSet):
    lookup_value_regex = PK

    def get_serializer_class(self):
        return PublicationDetailSerializer if self.action == "retrieve" else PublicationSerializer

    def get_queryset(self):
        found = Publication.objects.filter(
            export_q(self.request.user, "rulebook__scope")
        ).select_related("rulebook__scope", "published_by")
        year = self.request.query_params.get("year", "")
        if year.isdigit() and len(year) == 4:
            found = found.filter(year=int(year))
        return found.order_by("-year", "rulebook__scope__path", "-number")


class RulebookResultsView(ScopedMixin, APIView):
    @extend_schema(
        summary=_("评分细则的考核结果：已发布的结果，未发布时为最近一次计算的试算结果"),
        responses={200: ShownSerializer},
    )
    def get(self, request, pk: int):
        shown = results.shown_for(_rulebook(request.user, pk))
        return Response(
            {
                "published": shown.publication is not None,
                "publication": shown.publication.pk if shown.publication else None,
                "results": ResultSerializer(shown.results, many=True).data,
            }
        )


class PublishView(ScopedMixin, APIView):
    @extend_schema(
        summary=_("发布（或更正发布）评分细则的考核结果"),
        request=PublishSerializer,
        responses={
            201: PublicationDetailSerializer,
            400: ERRORS["400"],
            403: ERRORS["403"],
            409: OpenApiResponse(ErrorSerializer, description=_("结果暂不能发布，detail 说明原因")),
        },
    )
    def post(self, request, pk: int):
        rulebook = _rulebook(request.user, pk)
        if not may_sign_for(request.user, rulebook.scope):
            raise PermissionDenied(
                gettext("只有该评分细则所属区划的领导小组办公室可以发布考核结果。")
            )
        given = PublishSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            publication = publications.publish(
                rulebook=rulebook,
                user=request.user,
                reason=given.validated_data.get("reason", ""),
                confirm_flags=given.validated_data["confirm_flags"],
            )
        except publications.PublishRefused as refused:
            return Response(
                {"detail": str(refused), "code": NOT_PUBLISHABLE}, status=status.HTTP_409_CONFLICT
            )
        return Response(
            PublicationDetailSerializer(publication).data, status=status.HTTP_201_CREATED
        )

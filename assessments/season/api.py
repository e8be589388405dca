"""REST endpoints of the assessment season (read): the seasons a user takes part in, the judged
items they may read, the objections, and the totals. Scoped by the same gate as the pages: a unit
reads only its own items, objections and result (its scores from publicity on); a department
that reviews reads only the items it reviews; the season's office and those above read all."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments.models import Appraisal, Objection, Season, Stage
from assessments.season import scores, selectors
from portal import scoping
from portal.api import ScopedReadOnlyViewSet


class SeasonSerializer(serializers.ModelSerializer):
    rulebook = serializers.SerializerMethodField()

    class Meta:
        model = Season
        fields = ["id", "rulebook", "stage", "self_until", "review_until", "publicity_until",
                  "rectify_due"]  # fmt: skip

    def get_rulebook(self, season) -> dict:
        book = season.rulebook
        return {"id": book.pk, "year": book.year, "name": book.name, "scope": book.scope.code,
                "subject": book.subject}  # fmt: skip


def _unit(unit) -> dict:
    if unit.region_id:
        return {"region": unit.region.code, "name": unit.region.name}
    return {"department": unit.department_id, "name": unit.department.short_name}


class AppraisalSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = Appraisal
        fields = ["id", "unit", "item", "state", "self_score", "self_choice", "statement",
                  "return_reason", "review_score", "review_choice", "review_reason",
                  "adjusted_score", "adjust_reason", "files"]  # fmt: skip

    def get_unit(self, appraisal) -> dict:
        return _unit(appraisal.unit)

    def get_item(self, appraisal) -> dict:
        item = appraisal.item
        return {"code": item.code, "name": item.name, "points": str(item.points),
                "method": item.method}  # fmt: skip

    def get_files(self, appraisal) -> list[dict]:
        return [{"id": f.pk, "name": f.name} for f in appraisal.files.all()]

    def to_representation(self, appraisal):
        data = super().to_representation(appraisal)
        if not self.context.get("scores_shown", True):
            # A unit reads its reviewers' scores from publicity on, as on its page.
            for name in ("review_score", "review_choice", "review_reason", "adjusted_score",
                         "adjust_reason"):  # fmt: skip
                data[name] = None
        return data


class ObjectionSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    item = serializers.CharField(source="item.code")

    class Meta:
        model = Objection
        fields = ["id", "unit", "item", "statement", "score_then", "state", "answer", "new_score",
                  "raised_at", "answered_at"]  # fmt: skip

    def get_unit(self, objection) -> dict:
        return _unit(objection.unit)


class TotalSerializer(serializers.Serializer):
    unit = serializers.DictField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    grade = serializers.CharField()
    rank = serializers.IntegerField()
    peers = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    items = serializers.DictField(help_text=_("{项目编号: 得分}"))
    pending = serializers.ListField(help_text=_("尚未评审的评审项目"))


class SeasonViewSet(ScopedReadOnlyViewSet):
    """考核季: the seasons the user takes part in, and what of each the user may read."""

    serializer_class = SeasonSerializer

    def get_queryset(self):
        return selectors.seasons_for(self.request.user)

    def _scores_shown(self, season) -> bool:
        user = self.request.user
        return (
            scoping.may_oversee_season(user, season.rulebook.scope)
            or season.reached(Stage.PUBLICITY)
            or selectors.own_unit(user, season) is None
        )

    @extend_schema(responses=AppraisalSerializer(many=True))
    @action(detail=True)
    def appraisals(self, request, pk=None):
        season = self.get_object()
        rows = selectors.appraisals_for(request.user, unit__season=season)
        context = {"scores_shown": self._scores_shown(season)}
        return Response({"results": AppraisalSerializer(rows, many=True, context=context).data})

    @extend_schema(responses=ObjectionSerializer(many=True))
    @action(detail=True)
    def objections(self, request, pk=None):
        season = self.get_object()
        rows = selectors.objections_for(request.user, unit__season=season)
        return Response({"results": ObjectionSerializer(rows, many=True).data})

    @extend_schema(responses=TotalSerializer(many=True))
    @action(detail=True)
    def results(self, request, pk=None):
        season = self.get_object()
        user = request.user
        units = {u.pk: u for u in selectors.units_for(user, season)}
        if not scoping.may_oversee_season(user, season.rulebook.scope) and not season.reached(
            Stage.PUBLICITY
        ):
            units = {}
        rows = [
            {"unit": _unit(units[t.key]), "total": t.total, "grade": t.grade, "rank": t.rank,
             "peers": t.peers, "vetoed": t.vetoed, "items": t.items, "pending": t.pending}
            for t in scores.season_totals(season) if t.key in units
        ]  # fmt: skip
        return Response({"results": TotalSerializer(rows, many=True).data})

"""The office's page that links a target to its indicator and responsible departments."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Indicator, TargetMeasure
from assessments.reporting import measures
from assessments.reporting.errors import ReportingError
from portal.scoping import can_manage_documents_for
from targets.selectors import targets_for

NEW = "new"


class MeasureForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("衡量该目标的指标"))
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("责任部门"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        kind = _("比率") if measures.is_rate(target) else _("数值")
        self.fields["indicator"].choices = [
            (NEW, _("新建指标及其数据项（%(kind)s类）") % {"kind": kind}),
            *((str(i.pk), f"{i.name}（{i.unit}）") for i in Indicator.objects.order_by("name")),
        ]
        self.fields["departments"].queryset = measures.departments_for(target)


@login_required
def link_measure(request, pk: int):
    """Link a target (of a document the user may read and manage) to an indicator and to the
    departments answering for it; outside the user's documents: 404."""
    target = get_object_or_404(
        targets_for(user=request.user).select_related("document__region"), pk=pk
    )
    if not can_manage_documents_for(request.user, target.document.region):
        raise Http404(_("只有本级或上级领导小组办公室可以为该文件的目标关联指标。"))
    current = TargetMeasure.objects.filter(target=target).select_related("indicator").first()
    proposed = current.indicator if current else measures.propose_indicator(target)
    initial = {
        "indicator": str(proposed.pk) if proposed else NEW,
        "departments": list(target.responsible_departments.all())
        or measures.propose_departments(target),
    }
    form = MeasureForm(request.POST or None, target=target, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            choice = form.cleaned_data["indicator"]
            indicator = None if choice == NEW else Indicator.objects.get(pk=int(choice))
            try:
                link = measures.link_target(
                    user=request.user,
                    target=target,
                    indicator=indicator,
                    departments=list(form.cleaned_data["departments"]),
                )
            except ReportingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("已关联：%(target)s 由“%(indicator)s”衡量%(created)s。")
                    % {
                        "target": f"{target.code} {target.indicator}",
                        "indicator": link.indicator.name,
                        "created": _("（新建了指标及其数据项）") if link.created else "",
                    },
                )
                return redirect(
                    reverse("targets:document_detail", args=[target.document_id])
                    + f"#target-{target.code}"
                )
        status = 400
    return render(
        request,
        "assessments/link_measure.html",
        {"target": target, "form": form, "current": current, "proposed": proposed},
        status=status,
    )

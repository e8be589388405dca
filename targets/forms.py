"""Forms of the policy-reading screen: the text or file, the header, targets and tasks."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import Comparator, TargetKind

LIST_SEPARATORS = re.compile(r"[、，,;；\s]+")


class NewDraftForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("适用区划"))
    text = forms.CharField(
        label=_("粘贴文件全文"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    upload = forms.FileField(
        label=_("或上传文件（.txt / .docx / .pdf，5 MB 以内）"), required=False
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("upload"):
            raise forms.ValidationError(_("请粘贴文件全文，或上传一个文件。"))
        return data


class HeaderForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=255)
    doc_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    issuer = forms.CharField(label=_("发文机关"), max_length=128, required=False)
    issue_date = forms.DateField(label=_("成文日期"), required=False)
    horizon_year = forms.IntegerField(
        label=_("目标年度"), required=False, min_value=1949, max_value=2100
    )
    create_departments = forms.BooleanField(
        label=_("将不在部门名单中的单位新建为部门"),
        required=False,
        help_text=_("不勾选时，名单中没有的单位会被列出，请改为已有部门的名称后再采纳。"),
    )


class TargetForm(forms.Form):
    indicator = forms.CharField(label=_("指标"), max_length=128)
    comparator = forms.ChoiceField(label=_("比较"), choices=Comparator.choices)
    value = forms.DecimalField(label=_("目标值"), required=False, max_digits=14, decimal_places=4)
    unit = forms.CharField(label=_("单位"), max_length=16, required=False)
    reference = forms.CharField(label=_("参照"), max_length=64, required=False)
    horizon_year = forms.IntegerField(
        label=_("年度"), required=False, min_value=1949, max_value=2100
    )
    aspirational = forms.BooleanField(label=_("力争"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=TargetKind.choices)
    quote = forms.CharField(label=_("原文语句"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("value") is None and not (data.get("reference") or "").strip():
            raise forms.ValidationError(
                _("请填写目标值，或填写相对目标的参照（如“全省平均水平”）。")
            )
        return data


class TaskForm(forms.Form):
    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 2}))
    lead = forms.CharField(label=_("牵头部门"), required=False, max_length=500)
    cooperating = forms.CharField(label=_("配合部门"), required=False, max_length=2000)

    @staticmethod
    def names(text: str) -> list[str]:
        return [name for name in LIST_SEPARATORS.split(text or "") if name]


TargetFormSet = forms.formset_factory(TargetForm, extra=0, can_delete=True)
TaskFormSet = forms.formset_factory(TaskForm, extra=0, can_delete=True)

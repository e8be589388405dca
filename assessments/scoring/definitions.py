"""What a rulebook's scores were computed from, as plain data: the rulebook's settings and
bands, every leaf item as scored (method, threshold as resolved from its target, reference
value, parameters), the definitions of the indicators the items read, the veto rules and the
incidents that triggered them. Pure: specs and dicts in, dicts and sentences out.

A run records these per rulebook; a publication freezes them; the run page lists what changed
since the last run (``changes``) so that the office sees why scores moved, and publishing
refuses results computed from definitions that are no longer current."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.scoring.methods import ItemSpec, RulebookSpec


def rulebook_definitions(
    *,
    name: str,
    version: int,
    total_points: float,
    spec: RulebookSpec,
    names: dict[str, str],
    indicators: dict[str, dict],
    vetoes: list[str],
    incidents: list[str],
) -> dict:
    """The definitions of one rulebook (``names``: item code → 考核内容; ``indicators``: code →
    its definition as ``indicator_definition`` gives it)."""
    return {
        "name": name,
        "version": version,
        "total_points": float(total_points),
        "decimals": spec.decimals,
        "rounding": spec.rounding,
        "unreported": spec.unreported,
        "veto_ranking": spec.veto_ranking,
        "bands": [[grade, minimum] for grade, minimum in spec.bands],
        "items": [_item(item, names.get(item.code, "")) for item in spec.items],
        "indicators": {
            code: indicators[code]
            for code in sorted({item.indicator for item in spec.items if item.indicator})
            if code in indicators
        },
        "vetoes": sorted(vetoes),
        "incidents": sorted(incidents),
    }


def _item(item: ItemSpec, name: str) -> dict:
    return {
        "code": item.code,
        "name": name,
        "points": item.points,
        "method": item.method,
        "indicator": item.indicator,
        "comparator": item.comparator,
        "threshold": item.threshold,
        "reference": item.reference,
        "params": item.params,
        "counts": item.counts,
        "decimals": item.decimals,
    }


def indicator_definition(*, name, numerator, denominator, scale, decimals, elements) -> dict:
    """An indicator as the roll-up computes it: numerator and denominator elements with their
    time and region rules (``elements``: code → (time, region, weight))."""
    return {
        "name": name,
        "numerator": numerator,
        "denominator": denominator,
        "scale": float(scale),
        "decimals": decimals,
        "elements": {code: list(rule) for code, rule in sorted(elements.items())},
    }


ITEM_FIELDS = {
    "name": gettext_lazy("考核内容"),
    "points": gettext_lazy("分值"),
    "method": gettext_lazy("评分方法"),
    "indicator": gettext_lazy("指标"),
    "comparator": gettext_lazy("比较方式"),
    "threshold": gettext_lazy("达标值"),
    "reference": gettext_lazy("参照值"),
    "params": gettext_lazy("方法参数"),
    "counts": gettext_lazy("计分口径"),
    "decimals": gettext_lazy("比较精度"),
}
BOOK_FIELDS = {
    "name": gettext_lazy("名称"),
    "total_points": gettext_lazy("总分"),
    "decimals": gettext_lazy("总分保留小数位数"),
    "rounding": gettext_lazy("总分取舍方式"),
    "unreported": gettext_lazy("无已审核数据的地区"),
    "veto_ranking": gettext_lazy("一票否决地区的排名"),
    "bands": gettext_lazy("等次划分"),
    "vetoes": gettext_lazy("一票否决规则"),
    "incidents": gettext_lazy("质量安全事件"),
}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def changes(old: dict | None, new: dict) -> list[str]:
    """What differs between two definitions of the same rulebook, one sentence per change, in
    the reader's language ("T03 达标值：93 → 95")."""
    if not old:
        return []
    found = []
    for key, label in BOOK_FIELDS.items():
        if old.get(key) != new.get(key):
            found.append(
                _("%(field)s：%(old)s → %(new)s")
                % {"field": label, "old": _shown(old.get(key)), "new": _shown(new.get(key))}
            )
    before = {item["code"]: item for item in old.get("items", [])}
    after = {item["code"]: item for item in new.get("items", [])}
    for code in sorted(set(before) | set(after)):
        if code not in before:
            found.append(
                _("新增项目 %(code)s %(name)s") % {"code": code, "name": after[code]["name"]}
            )
        elif code not in after:
            found.append(
                _("删除项目 %(code)s %(name)s") % {"code": code, "name": before[code]["name"]}
            )
        else:
            for key, label in ITEM_FIELDS.items():
                if before[code].get(key) != after[code].get(key):
                    found.append(
                        _("%(code)s %(field)s：%(old)s → %(new)s")
                        % {
                            "code": code,
                            "field": label,
                            "old": _shown(before[code].get(key)),
                            "new": _shown(after[code].get(key)),
                        }
                    )
    old_indicators, new_indicators = old.get("indicators", {}), new.get("indicators", {})
    for code in sorted(set(old_indicators) | set(new_indicators)):
        if old_indicators.get(code) != new_indicators.get(code) and code in old_indicators:
            found.append(_("指标 %(code)s 的定义已修改") % {"code": code})
    return found

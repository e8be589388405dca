"""Templates name a status by its key and print targets.status's words
(``{{ "red"|status_label }}``), so no template spells a status of its own."""

from django import template

from targets import status

register = template.Library()


@register.filter
def status_label(key: str) -> str:
    return status.label(key)


@register.simple_tag
def status_legend() -> str:
    """The meaning of each status, in the active language."""
    return status.legend()


@register.filter
def figure(value, decimals) -> str:
    """A figure at its indicator's precision: ``{{ row.current|figure:row.decimals }}``."""
    return status.format_figure(None if value is None else float(value), int(decimals))

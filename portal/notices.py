"""Notices (通知): the bell in the top bar and the e-mails that go with it. The one module that
knows the words of every kind of notice; the rooms that produce events call ``notify``.

A notice is one row per user and event (``key``, e.g. "returned:12:7"): notifying again for the
same event does nothing, so a decision retried, a daily job run twice or a reminder repeated
never notifies twice. The e-mail of a notice goes once, after the transaction that created it
commits (a decision rolled back sends nothing), to users with an address; ``emailed_at`` records
it. Texts are composed when read, in the reader's language, from the kind and its parameters."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Notice

logger = logging.getLogger(__name__)

# kind → the notice's words; parameters are filled in when it is read.
KINDS = {
    "returned": gettext_lazy("%(region)s %(period)s的数据被退回：%(reason)s"),
    "approved": gettext_lazy("%(region)s %(period)s的数据已审核通过"),
    "unlocked": gettext_lazy("%(region)s %(period)s的数据已解锁更正：%(reason)s"),
    "window_open": gettext_lazy("%(period)s填报已开始，截止日期 %(closes)s"),
    "window_closing": gettext_lazy("%(period)s填报将于 %(closes)s 截止，%(region)s尚未提交"),
    "update_due": gettext_lazy(
        "%(department)s %(quarter)s工作进展请于 %(due)s 前报送（%(count)s 项）"
    ),
    "published": gettext_lazy(
        "%(rulebook)s 考核结果已发布：%(unit)s 得分 %(total)s，等次 %(grade)s"
    ),
    "extension_granted": gettext_lazy("%(region)s %(period)s的延期申请已批准，可填报至 %(until)s"),
    "extension_refused": gettext_lazy("%(region)s %(period)s的延期申请未获批准：%(note)s"),
    "season_returned": gettext_lazy("%(rulebook)s：项目 %(item)s 被退回补充材料：%(reason)s"),
    "season_publicity": gettext_lazy(
        "%(rulebook)s 进入公示，%(unit)s 可查看逐项得分，异议请于 %(until)s 前提出"
    ),
    "objection_answered": gettext_lazy("%(rulebook)s：对项目 %(item)s 的异议已答复：%(answer)s"),
    "season_published": gettext_lazy(
        "%(rulebook)s 最终结果已发布：%(unit)s 得分 %(total)s，等次 %(grade)s，第 %(rank)s 名"
    ),
}


def text(notice: Notice) -> str:
    words = KINDS.get(notice.kind)
    if words is None:
        return notice.kind
    try:
        return str(words) % notice.params
    except (KeyError, TypeError, ValueError):
        return str(words)


def notify(users: Iterable, *, kind: str, params: dict, link: str, key: str,
           email: bool = True) -> list[Notice]:  # fmt: skip
    """One notice per user for this event (none for a user who has it already); the e-mail of
    each new notice after the surrounding transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind}")
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notice.objects.create(user=user, kind=kind, params=params, link=link, key=key)
                )
        except IntegrityError:
            continue  # notified of this event already
    if email:
        ids = [n.pk for n in created if n.user.email]
        if ids:
            transaction.on_commit(lambda: send_emails(ids))
    return created


def send_emails(ids: list[int]) -> int:
    """The e-mail of each notice not yet sent (claimed first, so that it goes once)."""
    sent = 0
    for notice in Notice.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        claimed = Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        body = text(notice)
        try:
            send_mail(
                _("【质量强区目标管理平台】%(text)s") % {"text": body[:60]},
                _("%(text)s\n\n请登录质量强区目标管理平台查看：%(link)s")
                % {"text": body, "link": f"{settings.PORTAL_URL}{notice.link}"},
                None,
                [notice.user.email],
            )  # fmt: skip
        except OSError as error:
            Notice.objects.filter(pk=notice.pk).update(emailed_at=None)  # tried again later
            logger.warning("notice %s not e-mailed: %s", notice.pk, error)
            continue
        sent += 1
    return sent


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()

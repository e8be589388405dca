"""The English catalogue: complete, faithful to its placeholders, compiled, and in use.

The msgids are the Chinese interface strings; locale/en/LC_MESSAGES/django.po gives their
English. The .po is read with a small parser of its own (no polib in the requirements)."""

import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff]")
# Python %-placeholders as gettext's python-format sees them: %(name)s, %(size).1f, %d, %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")

# Translations that keep Chinese on purpose: the language's own name in the switch, and help
# texts whose examples are Chinese data (names and wording as they appear in the documents).
KEEPS_CHINESE = {
    "简体中文",
    "如 省、直辖市、市、区、县、镇、乡、街道",
    "文件中常用的写法，如“省质监局”“区质监局”",
    "文件中出现的其他写法，用顿号或逗号分隔，如“质监局、质监部门”",
    "如 一、（一）、1",
    "如 三/（一）/1",
    "如 %、项、家、个",
    "文件用“力争”“争取”表述的目标，仍须跟踪",
    "如 牵头、按职责分工负责、参加",
    "文件中的写法，如“财政、税务等部门”",
    "只在“本季度数值”和“说明”两列填写，不要修改区划代码、数据项代码、版本号和工作表名称。",
}
# Rendered inside a single-quoted JavaScript string (templates/assessments/entry.html).
IN_JAVASCRIPT = {"请输入非负数；计数为整数，百分数在 0–100 之间"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every entry of the catalogue, the header included, obsolete (#~) entries left out."""
    entries, entry, key = [], None, None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or entry.msgstr:
                entry = Entry(line=number)
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.groups()
            if name in {"msgctxt", "msgid"} and (entry is None or entry.msgstr):
                entry = Entry(line=number)
                entries.append(entry)
            key = (name, int(index)) if index is not None else (name, 0)
            value = unquote(value)
        else:
            assert line.startswith('"'), f"django.po:{number}: cannot read {raw!r}"
            value = unquote(line)
        name, index = key
        if name.startswith("msgstr"):
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_the_catalogue_reads_and_declares_english_plurals(entries, messages):
    header = entries[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert len(messages) > 600  # the whole interface, not a sample
    assert len({(e.msgctxt, e.msgid) for e in messages}) == len(messages)


def test_every_entry_is_translated_and_none_is_fuzzy(messages):
    fuzzy = [str(e) for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    empty = [str(e) for e in messages if not e.msgstr or not all(t.strip() for t in e.translations)]
    assert not empty, f"untranslated entries: {empty}"


def test_plural_entries_have_both_english_forms(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], entry
    singulars = [e for e in messages if e.msgid_plural is None]
    assert all(sorted(e.msgstr) == [0] for e in singulars)


def test_placeholders_survive_translation(messages):
    wrong = []
    for entry in messages:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = Counter(PLACEHOLDER.findall(sources[-1]))
        assert all(Counter(PLACEHOLDER.findall(s)) == expected for s in sources), entry
        for translated in entry.translations:
            if Counter(PLACEHOLDER.findall(translated)) != expected:
                wrong.append(f"{entry}: {translated!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_python_format_is_flagged_where_the_msgid_has_named_placeholders(messages):
    for entry in messages:
        if re.search(r"%\(\w+\)", entry.msgid):
            assert "python-format" in entry.flags, entry


def test_translations_are_english(messages):
    chinese = [
        f"{e}: {t!r}"
        for e in messages
        if e.msgid not in KEEPS_CHINESE
        for t in e.translations
        if CJK.search(t)
    ]
    assert not chinese, "Chinese left in translations:\n" + "\n".join(chinese)


def test_translations_add_no_markup_or_quotes_templates_would_output_raw(messages):
    """{% translate "literal" %} output is not escaped: a translation must not bring in HTML
    or break out of the attribute or script string its original sits in."""
    for entry in messages:
        for translated in entry.translations:
            for char in '"<>&':
                assert translated.count(char) <= entry.msgid.count(char), (entry, char)
            if entry.msgid in IN_JAVASCRIPT:
                assert "'" not in translated and "\\" not in translated, entry


def test_the_compiled_catalogue_is_committed_and_current(messages):
    """The .mo must match the .po: machines may run the portal without gettext to compile it."""
    assert MO.exists(), "run: python manage.py compilemessages -l en"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.gettext(msgid) != entry.msgstr[0]:
                stale.append(str(entry))
        elif [compiled.ngettext(msgid, entry.msgid_plural, n) for n in (1, 2)] != [
            entry.msgstr[0],
            entry.msgstr[1],
        ]:
            stale.append(str(entry))
    assert not stale, f"django.mo is older than django.po for: {stale[:10]}"


def test_django_uses_the_catalogue():
    # Called through other names so that makemessages does not take this file for a source.
    look_up, look_up_plural = translation.gettext, translation.ngettext
    waiting = "%(n)s 份季度填报等待审核。"
    with translation.override("en"):
        assert look_up("政策文件") == "Policy documents"
        quarter = look_up("%(year)d年第%(quarter)d季度")
        assert quarter % {"year": 2026, "quarter": 1} == "Q1 2026"
        one, many = (look_up_plural(waiting, waiting, n) % {"n": n} for n in (1, 3))
        assert one == "1 quarterly submission is awaiting approval."
        assert many == "3 quarterly submissions are awaiting approval."
    with translation.override("zh-hans"):
        assert look_up("政策文件") == "政策文件"


# --- Pages ----------------------------------------------------------------------------------------

CHINESE_CHROME = ["政策文件", "登录", "退出", "用户名", "密码", "质量强区目标管理平台", "切换"]


def choose_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_login_page_is_chinese_by_default(client):
    body = text_of(client.get(reverse("login")))
    assert '<html lang="zh-hans">' in body
    for chinese in ["登录", "用户名", "密码", "质量强区目标管理平台"]:
        assert chinese in body
    assert "Sign in" not in body and "Password" not in body


@pytest.mark.django_db
def test_the_login_page_in_english(client):
    choose_english(client)
    body = text_of(client.get(reverse("login")))
    assert '<html lang="en">' in body
    for english in ["Sign in", "Username", "Password", "Quality-Strong District"]:
        assert english in body
    for chinese in CHINESE_CHROME:
        assert chinese not in body, chinese


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_english(client, make_user):
    make_user(username="someone")
    choose_english(client)
    body = text_of(client.post(reverse("login"), {"username": "someone", "password": "wrong"}))
    assert "Incorrect username or password" in body
    assert "用户名或密码不正确" not in body


@pytest.mark.django_db
def test_the_document_list_is_chinese_by_default(client, admin_user):
    client.force_login(admin_user)
    body = text_of(client.get(reverse("targets:document_list")))
    assert "政策文件" in body and "文号" in body and "退出" in body
    assert "Policy documents" not in body


@pytest.mark.django_db
def test_the_document_list_in_english(client, admin_user):
    client.force_login(admin_user)
    choose_english(client)
    body = text_of(client.get(reverse("targets:document_list")))
    for english in ["Policy documents", "Document number", "Issuing authority", "Sign out"]:
        assert english in body, english
    for chinese in CHINESE_CHROME + ["文号", "发文机关", "成文日期", "目标年度", "适用区划"]:
        assert chinese not in body, chinese


@pytest.mark.django_db
def test_the_language_switch_turns_the_documents_english(client, make_user):
    client.force_login(make_user(role="office", region="350111"))
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("targets:document_list")}
    )
    assert response.status_code == 302
    body = text_of(client.get(response["Location"]))
    assert "Policy documents" in body and "政策文件" not in body


@pytest.fixture
def period(db):
    """A quarter open for reporting today."""
    from datetime import timedelta

    from assessments.models import Period
    from portal.periods import today

    return Period.objects.create(
        year=2090,
        quarter=1,
        opens_on=today() - timedelta(days=5),
        closes_on=today() + timedelta(days=5),
    )


@pytest.fixture
def office(make_user):
    return make_user(role="office", region="350111", username="jinan-office")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "english", "chinese"),
    [
        (
            "dashboard:home",
            ["Dashboard", "Target progress", "Drill down"],
            ["工作看板", "目标进展"],
        ),
        ("assessments:my_submissions", ["Quarterly reporting"], ["季度填报", "最近更新"]),
        ("assessments:approval_queue", ["Approval queue"], ["审核队列"]),
        ("assessments:completeness", ["Reporting progress", "Expected"], ["填报进度", "应报"]),
        ("assessments:assessment_runs", ["Recalculate now"], ["立即重新计算", "最近的计算"]),
        ("assessments:reference_values", ["Reference values"], ["参照值", "来源"]),
        ("workspace:home", ["Department progress"], ["部门工作进展", "责任目标"]),
        ("workspace:exports", ["Generate briefing"], ["生成简报", "报表导出"]),
    ],
)
def test_the_offices_pages_in_english(client, office, period, page, english, chinese):
    client.force_login(office)
    choose_english(client)
    body = text_of(client.get(reverse(page), follow=True))
    for word in english:
        assert word in body, word
    for word in chinese + ["政策文件", "退出", "审核队列"]:
        assert word not in body, word


@pytest.mark.django_db
def test_the_entry_form_in_english(client, make_user, period):
    client.force_login(make_user(role="official", region="350111100"))
    choose_english(client)
    body = text_of(client.get(reverse("assessments:entry", args=["350111100", 2090, 1])))
    for english in ["Data element", "Previous quarter", "Save draft", "Save and submit"]:
        assert english in body, english
    for chinese in ["数据项", "上季度", "保存草稿", "保存并提交审核", "季度填报"]:
        assert chinese not in body, chinese


@pytest.mark.django_db
def test_the_admin_index_in_english(client, admin_user):
    client.force_login(admin_user)
    choose_english(client)
    body = text_of(client.get(reverse("admin:index")))
    for english in ["Log out", "System settings and reference data", "Policy documents"]:
        assert english in body, english
    for chinese in ["系统设置与基础数据", "政策文件", "行政区划", "退出"]:
        assert chinese not in body, chinese


@pytest.mark.django_db
def test_a_document_page_in_english(client, admin_user):
    from targets.models import PolicyDocument

    document = PolicyDocument.objects.filter(targets__isnull=False).distinct().first()
    client.force_login(admin_user)
    choose_english(client)
    body = text_of(client.get(reverse("targets:document_detail", args=[document.pk])))
    for english in ["Quantitative targets", "Document number", "Full text", "Live progress"]:
        assert english in body, english
    for chinese in ["量化目标", "发文机关", "实时进展", "政策文件"]:
        assert chinese not in body, chinese

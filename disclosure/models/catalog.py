"""The 主动公开 catalog: columns (Category), items (Item) with their attachments and events."""

import functools
import re
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from portal import content_safety, workdays
from portal.addresses import pk_url
from portal.models import Department, DepartmentScopedQuerySet, SiteSettings
from portal.publishing import PublicationEvent, Reviewable, ReviewableQuerySet, Revision
from portal.richtext import EDITOR_EXTENSIONS, sanitize_html
from portal.uploads import Attachment

__all__ = ["Category", "IndexCounter", "Item", "ItemAttachment", "ItemEvent", "ItemRevision"]

# 市国土资发〔2026〕12号, 江国土资函〔2025〕3号, 国土资规〔2016〕8号 ...
DOCUMENT_NUMBER_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z]{2,20}〔(19|20)\d{2}〕\d{1,4}号$")
LATE_AFTER_WORKING_DAYS = 20  # Art. 26: publish within 20 working days of the document's making


COLUMN_CACHE_SECONDS = 600


class CategoryQuerySet(models.QuerySet):
    def visible(self):
        """Return columns shown on the public site."""
        return self.filter(is_visible=True)

    def roots(self):
        """Return top-level columns."""
        return self.filter(parent__isnull=True)

    def public_by_id(self):
        """Return {id: column} of the visible columns (as public_by_slug())."""
        from portal.pagecache import per_version

        return per_version(
            "disclosure:columns-by-id",
            lambda: {column.pk: column for column in self.public_by_slug().values()},
        )

    def public_by_slug(self):
        """Return {slug: column} of the visible columns, each with its parent and sub-columns.

        Every catalog page starts by looking up its column (two queries); the tree is small and
        changes rarely, so it is read from the cache under the content version, which a change to
        any column moves on (disclosure.signals).
        """
        from portal.pagecache import content_version, per_version

        def read():
            key = f"columns:{content_version()}"
            columns = cache.get(key)
            if columns is None:
                rows = self.visible().select_related("parent").prefetch_related("children")
                columns = {column.slug: column for column in rows}
                cache.set(key, columns, COLUMN_CACHE_SECONDS)
            return columns

        return per_version("disclosure:columns", read)  # the home page asks four times


class Category(models.Model):
    """A column (栏目) of the 政务公开 catalog.

    Besides its place in the tree and its update rule, a column carries the attributes of the
    自然资源 基层政务公开标准目录 (公开依据, 公开时限, 公开主体, …), shown above its list and in the
    public 标准目录 table.
    """

    class ColumnType(models.TextChoices):
        # The kinds the 政府网站工作年度报表 counts publications by, and the ColumnType meta tag.
        OVERVIEW = "overview", "概况类"
        NEWS = "news", "政务动态"
        CATALOG = "catalog", "信息公开目录"
        SPECIAL = "special", "专栏专题"

    parent = models.ForeignKey(
        "self",
        verbose_name="上级栏目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField("栏目名称", max_length=40)
    slug = models.SlugField("栏目代码", max_length=40, unique=True, help_text="用于网址，如 zcwj")
    description = models.CharField("栏目说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    department = models.ForeignKey(
        Department,
        verbose_name="责任科室",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    update_days = models.PositiveSmallIntegerField(
        "更新周期（天）",
        null=True,
        blank=True,
        help_text=(
            "超过该天数未更新即视为不及时（动态类 14 天，通知公告和政策文件 180 天）；"
            "留空表示不考核"
        ),
    )
    is_visible = models.BooleanField("前台显示", default=True)
    column_type = models.CharField(
        "栏目类型",
        max_length=10,
        choices=ColumnType,
        default=ColumnType.CATALOG,
        help_text="网页 ColumnType 标签和网站工作年度报表的分类",
    )
    keywords = models.CharField(
        "栏目关键词", max_length=100, blank=True, help_text="多个词用空格分隔，用于网页标签"
    )
    # 基层政务公开标准目录 (自然资源领域): what, by whom, when, where and to whom.
    disclosure_basis = models.TextField(
        "公开依据",
        blank=True,
        help_text="法律法规和文件依据，如：《中华人民共和国土地管理法》第四十八条",
    )
    disclosure_time_limit = models.CharField(
        "公开时限", max_length=100, blank=True, help_text="如：信息形成或变更之日起20个工作日内"
    )
    disclosure_body = models.CharField(
        "公开主体", max_length=100, blank=True, help_text="如：市国土资源局"
    )
    disclosure_channels = models.CharField(
        "公开渠道和载体",
        max_length=200,
        blank=True,
        help_text="如：政府网站 政务新媒体 公开查阅点 公告栏",
    )
    disclosure_audience = models.CharField(
        "公开对象",
        max_length=40,
        blank=True,
        help_text="全社会，或特定对象（如被征地农村集体经济组织）",
    )
    disclosure_method = models.CharField(
        "公开方式", max_length=40, blank=True, help_text="主动公开或依申请公开"
    )
    disclosure_level = models.CharField(
        "公开层级", max_length=40, blank=True, help_text="如：市级、县级"
    )

    objects = CategoryQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean() and nightly.
    public_text_fields = (
        "name",
        "slug",
        "description",
        "keywords",
        "disclosure_basis",
        "disclosure_time_limit",
        "disclosure_body",
        "disclosure_channels",
        "disclosure_audience",
        "disclosure_method",
        "disclosure_level",
    )

    # The attributes of the 标准目录, in the order the standard lists them.
    STANDARD_FIELDS = (
        "disclosure_basis",
        "disclosure_time_limit",
        "disclosure_body",
        "disclosure_channels",
        "disclosure_audience",
        "disclosure_method",
        "disclosure_level",
    )

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("disclosure:category", args=[self.slug])

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)

    def standard_attributes(self):
        """Return [(label, value)] of the 标准目录 attributes that are filled in."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.STANDARD_FIELDS
            if getattr(self, name)
        ]

    def with_descendants_ids(self):
        """Return this column's id and its sub-columns' ids (the tree is two levels deep)."""
        return [self.pk, *(child.pk for child in self.children.all())]  # uses a prefetch


class ItemQuerySet(DepartmentScopedQuerySet, ReviewableQuerySet):
    def public(self):
        """Return items the public may see: published and 主动公开."""
        return self.published().filter(disclosure_type=Item.DisclosureType.PROACTIVE)

    def in_category(self, category):
        """Return items of a column and its sub-columns."""
        return self.filter(category_id__in=category.with_descendants_ids())

    def for_list(self):
        """Return items ready for a list row: column and publishing department joined."""
        return self.select_related("category", "department").only(
            "pk",
            "title",
            "published_at",
            "document_number",
            "validity",
            "index_number",
            "category__name",
            "category__slug",
            "department__name",
        )

    def list_rows(self):
        """Return items as the rows of a list page or block: dicts of pk, title, published_at,
        document_number, validity and department_id. A row is a title, a date and a link:
        reading it builds no model instances (a column page's 20 rows with their column and
        department were 60 of them), and the department's name comes from the remembered list
        (`Department.objects.by_id()`), not a join."""
        return self.values(
            "pk", "title", "published_at", "document_number", "validity", "department_id"
        )

    def for_detail(self):
        """Return items with everything an item's header and links show, in as few queries as
        a list of them allows (the API's items, the 公开指南 page; the item page itself reads
        one item through Item.public_page())."""
        return self.select_related("category", "department", "replaced_by").prefetch_related(
            "attachments",
            models.Prefetch(
                "interpretations",
                queryset=Item.objects.public().only("pk", "title", "published_at"),
            ),
            models.Prefetch(
                "interprets", queryset=Item.objects.public().only("pk", "title", "published_at")
            ),
        )

    def latest(self):
        """Return items newest first.

        Only published_at, so that the (status, category, -published_at) index gives the order
        and a page reads 20 index entries, not the whole column (publication times are to the
        microsecond; ties do not happen in practice).
        """
        return self.order_by("-published_at")

    def late(self, *, today=None):
        """Return unpublished items made more than 20 working days ago (Art. 26)."""
        threshold = workdays.working_days_before(
            today or timezone.localdate(), LATE_AFTER_WORKING_DAYS
        )
        return self.filter(
            status__in=[Item.Status.DRAFT, Item.Status.PENDING, Item.Status.RETURNED],
            written_on__lt=threshold,
        )


class Item(Reviewable):
    """An item of information (信息条目) with the catalog header shown on its page."""

    class Validity(models.TextChoices):
        VALID = "valid", "有效"
        AMENDED = "amended", "已修改"
        REPEALED = "repealed", "已废止"
        EXPIRED = "expired", "已失效"

    class DisclosureType(models.TextChoices):
        PROACTIVE = "proactive", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        NOT_DISCLOSED = "not_disclosed", "不予公开"

    index_number = models.CharField("索引号", max_length=40, blank=True, editable=False)
    title = models.CharField("标题", max_length=200)
    category = models.ForeignKey(
        Category, verbose_name="主题分类", on_delete=models.PROTECT, related_name="items"
    )
    department = models.ForeignKey(
        Department, verbose_name="发布机构", on_delete=models.PROTECT, related_name="items"
    )
    written_on = models.DateField("成文日期")
    document_number = models.CharField(
        "文号", max_length=60, blank=True, help_text="例如：江国土资发〔2026〕12号；无文号的留空"
    )
    keywords = models.CharField("主题词", max_length=100, blank=True, help_text="多个词用空格分隔")
    summary = models.TextField("内容概述", max_length=300, blank=True)
    validity = models.CharField("有效性", max_length=10, choices=Validity, default=Validity.VALID)
    validity_changed_on = models.DateField(
        "有效性变更日期",
        null=True,
        blank=True,
        editable=False,
        help_text="有效性最近一次变更的日期，由系统记录（年度报告按此统计本年废止件数）",
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替代文件",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        help_text="已修改、已废止时，指向新的文件",
    )
    disclosure_type = models.CharField(
        "公开属性", max_length=14, choices=DisclosureType, default=DisclosureType.PROACTIVE
    )
    non_disclosure_reason = models.TextField(
        "不予公开理由",
        blank=True,
        help_text="不予公开时必填，写明《条例》依据，如第十四条、第十五条",
    )
    disclosure_method = models.CharField("公开方式", max_length=40, default="政府网站")
    source = models.CharField("信息来源", max_length=60, blank=True)
    body = ProseEditorField(
        "正文", config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitize_html, blank=True
    )
    interprets = models.ManyToManyField(
        "self",
        verbose_name="所解读的文件",
        symmetrical=False,
        blank=True,
        related_name="interpretations",
        help_text="本条为政策解读时，选择它解读的政策文件",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ItemQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked at submit and approve, and nightly.
    public_text_fields = ("title", "summary", "keywords", "document_number", "source", "body")

    class Meta:
        verbose_name = "信息条目"
        verbose_name_plural = "信息条目"
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("submit_item", "可以提交信息送审"),
            ("review_item", "可以审核发布和撤回信息"),
        ]
        indexes = [
            models.Index(fields=["status", "category", "-published_at"], name="item_category_list"),
            models.Index(fields=["status", "-published_at"], name="item_latest"),
            # Public column pages: their count and deep pages read only this index (the id is in
            # it, so a page's ids come without touching the table; see portal.pagination).
            models.Index(
                fields=["category", "-published_at", "id"],
                name="item_public_list",
                condition=Q(status="published", disclosure_type="proactive"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["index_number"],
                condition=~Q(index_number=""),
                name="item_index_number_unique",
                violation_error_message="索引号重复",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="item_published_has_date",
                violation_error_message="已发布的信息必须有发布日期",
            ),
            models.CheckConstraint(
                condition=~Q(disclosure_type="not_disclosed") | ~Q(non_disclosure_reason=""),
                name="item_not_disclosed_has_reason",
                violation_error_message="不予公开的信息必须写明理由",
                violation_error_code="reason_required",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url("disclosure:item-detail", self.pk)

    @classmethod
    def search_rows(cls):
        """Return the items in the site search, loaded for search_document()."""
        return cls.objects.public().select_related("category", "department")

    def search_document(self):
        """Return how the item reads in the site search index (portal.search)."""
        return {
            "kind": "政府信息",
            "title": self.title,
            "url": self.get_absolute_url(),
            "text": f"{self.summary} {self.body}",
            "published_at": self.published_at,
            "department_id": self.department_id,
            "column": self.category.name,
            "extra": f"{self.document_number} {self.keywords}",
        }

    def clean(self):
        errors = {}
        if self.document_number and not DOCUMENT_NUMBER_RE.fullmatch(self.document_number):
            errors["document_number"] = ValidationError(
                "文号格式应为“机关代字〔年份〕序号号”，如：江国土资发〔2026〕12号（六角括号〔〕）",
                code="invalid_document_number",
            )
        if self.written_on and self.written_on > timezone.localdate():
            errors["written_on"] = ValidationError("成文日期不能晚于今天", code="future_date")
        if self.disclosure_type == self.DisclosureType.NOT_DISCLOSED and not (
            self.non_disclosure_reason.strip()
        ):
            errors["non_disclosure_reason"] = ValidationError(
                "不予公开的信息必须写明理由和《条例》依据", code="reason_required"
            )
        if self.validity == self.Validity.AMENDED and not self.replaced_by_id:
            errors["replaced_by"] = ValidationError(
                "已修改的文件请选择修改后的新文件", code="replacement_required"
            )
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = ValidationError("替代文件不能是本文件", code="self_reference")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Remember the stored validity so that save() can tell when it changes.
        instance._stored_validity = instance.__dict__.get("validity")
        return instance

    def save(self, *args, **kwargs):
        # Whatever path the body took (editor, import, shell), only the allow-list is stored.
        self.body = sanitize_html(self.body)
        update_fields = kwargs.get("update_fields")
        if self.has_validity_changed() and (update_fields is None or "validity" in update_fields):
            # The annual report counts documents repealed in a year by this date.
            self.validity_changed_on = timezone.localdate()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "validity_changed_on"]
        super().save(*args, **kwargs)
        if "validity" in self.__dict__:
            self._stored_validity = self.validity

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        if "validity" in self.__dict__:
            self._stored_validity = self.validity

    def has_validity_changed(self):
        """Return whether validity differs from the stored row (a new row: from 有效)."""
        if "validity" not in self.__dict__:
            return False  # deferred, so not edited
        stored = getattr(self, "_stored_validity", None)
        if stored is None:
            stored = self.Validity.VALID if self._state.adding else self.validity
        return self.validity != stored

    # Workflow hooks ----------------------------------------------------------------------
    def missing_elements(self):
        missing = [
            label
            for field, label in [("title", "标题"), ("summary", "内容概述")]
            if not getattr(self, field).strip()
        ]
        if not self.body.strip() and not self.pk_has_attachments():
            missing.append("正文或附件")
        return missing

    def pk_has_attachments(self):
        return bool(self.pk) and self.attachments.exists()

    def on_first_publication(self, now):
        self.index_number = IndexCounter.next_index_number(now)
        return ["index_number"]

    def cache_scopes(self, *, category_id=None):
        """Return the page-cache scopes of the pages that show this item (portal.pagecache): its
        own page, its column's and the parent column's lists, feeds and homepage blocks, the
        catalog-wide feed, the sitemap, and the pages of the items it links to or that link to it
        (替代文件, 政策解读). category_id: the column it was in before an edit moved it."""
        from portal.pagecache import CATALOG, SITEMAP, column_scope, object_scope

        columns = Category.objects.filter(pk__in={self.category_id, category_id} - {None})
        linked = {self.pk, self.replaced_by_id} - {None}
        if self.pk:
            linked.update(self.replaces.values_list("pk", flat=True))
            linked.update(self.interprets.values_list("pk", flat=True))
            linked.update(self.interpretations.values_list("pk", flat=True))
        return {
            CATALOG,
            SITEMAP,
            *(
                column_scope(pk)
                for pair in columns.values_list("pk", "parent_id")
                for pk in pair
                if pk
            ),
            *(object_scope(Item, pk) for pk in linked),
        }

    # Predicates --------------------------------------------------------------------------
    def is_public(self):
        """Return whether the public may see this item."""
        return self.is_published() and self.disclosure_type == self.DisclosureType.PROACTIVE

    def is_in_force(self):
        return self.validity == self.Validity.VALID

    # The public pages --------------------------------------------------------------------
    @staticmethod
    @functools.cache
    def public_rows():
        """Return the public items as list rows, newest first (`public().list_rows().latest()`),
        built once per worker: every list page narrows a clone of it (in_category(), a filter,
        a slice), and building the chain again was a tenth of an uncached column page."""
        return Item.objects.public().list_rows().latest()

    @classmethod
    def public_page(cls, pk):
        """Return the public item pk as its page shows it (Item.DoesNotExist if there is none).

        One query: the item, and whether it has attachments or 解读 links at all; its column and
        department come from this worker's remembered tree and list, and only the lists it has
        are read (`page_attachments()`, `page_interprets()`, `page_interpretations()`). Most items
        have none: the joins and three reads of for_detail() were half the page's time, and
        building the three flags' subqueries a quarter, so the annotated query is built once
        per worker (`_public_page_rows()`).
        """
        item = cls._public_page_rows().get(pk=pk)
        column = Category.objects.public_by_id().get(item.category_id)
        if column is not None:
            item.category = column
        department = Department.objects.by_id().get(item.department_id)
        if department is not None:
            item.department = department
        return item

    @staticmethod
    @functools.cache
    def _public_page_rows():
        """The public items with their three flags (built once; every use clones it)."""
        links = Item.interprets.through.objects
        return Item.objects.public().annotate(
            has_attachments=models.Exists(
                ItemAttachment.objects.filter(item_id=models.OuterRef("pk"))
            ),
            has_interprets=models.Exists(links.filter(from_item_id=models.OuterRef("pk"))),
            has_interpretations=models.Exists(links.filter(to_item_id=models.OuterRef("pk"))),
        )

    # What the item page lists (none read when public_page() found there are none).
    def page_attachments(self):
        """Return the attachments the item page lists."""
        if getattr(self, "has_attachments", True) is False:
            return []
        return list(self.attachments.all())

    def page_interprets(self):
        """Return the public documents this 解读 explains."""
        if getattr(self, "has_interprets", True) is False:
            return []
        return list(self.interprets.public().only("pk", "title", "published_at"))

    def page_interpretations(self):
        """Return the public 解读 of this document."""
        if getattr(self, "has_interpretations", True) is False:
            return []
        return list(self.interpretations.public().only("pk", "title", "published_at"))

    def was_updated_after_publication(self):
        """Whether the item was corrected after it went public (shown as 更新于)."""
        return bool(self.published_at) and self.updated_at - self.published_at > timedelta(
            minutes=5
        )


class IndexCounter(models.Model):
    """The last 索引号 serial handed out in a year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    last = models.PositiveIntegerField("最后序号", default=0)

    class Meta:
        verbose_name = "索引号计数器"
        verbose_name_plural = "索引号计数器"

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_index_number(cls, now):
        """Return the next 索引号 for the year of now; call inside the publishing transaction."""
        year = timezone.localtime(now).year
        cls.objects.bulk_create([cls(year=year, last=0)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{SiteSettings.load().org_code}/{year}-{counter.last:05d}"


class ItemAttachment(Attachment):
    item = models.ForeignKey(
        Item, verbose_name="信息条目", on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Attachment.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def get_absolute_url(self):
        return reverse("disclosure:attachment", args=[self.pk])


class ItemEvent(PublicationEvent):
    item = models.ForeignKey(
        Item, verbose_name="信息条目", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(PublicationEvent.Meta):
        verbose_name = "信息流转记录"
        verbose_name_plural = "信息流转记录"


class ItemRevision(Revision):
    """A published item's edit waiting for review (portal.publishing.Revision)."""

    record = models.ForeignKey(
        Item, verbose_name="信息条目", on_delete=models.PROTECT, related_name="revisions"
    )

    class Meta(Revision.Meta):
        verbose_name = "信息条目修改稿"
        verbose_name_plural = "信息条目修改稿"

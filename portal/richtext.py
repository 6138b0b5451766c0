"""Rich text: the editor's configuration and the nh3 allow-list that every stored body passes."""

import nh3

# What the editor offers (django-prose-editor extensions). The sanitiser below decides what stays.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Image": True,
    "TextAlign": True,
    "TextStyle": True,
    "History": True,
}

# The editor's menus and dialogs in Chinese. Its dialogs ask Django's JavaScript catalogue
# (window.gettext), which has no zh-hans for it: the admin's catalogue adds these
# (portal.sites.PortalAdminSite.i18n_javascript). Its menu buttons carry English titles of their
# own; static/js/prose_editor_zh.js puts them through the same catalogue.
EDITOR_LABELS = {
    # Dialogs (django-prose-editor calls gettext for these).
    "Image URL": "图片地址",
    "Alternative Text": "替代文字",
    "Caption": "图注",
    "Add caption": "添加图注",
    "Remove caption": "删除图注",
    "Edit Figure": "编辑图片",
    "Insert Figure": "插入图片",
    "Edit Image": "编辑图片",
    "Browse...": "浏览…",
    "Update": "更新",
    "Insert": "插入",
    "Cancel": "取消",
    "Edit HTML": "编辑 HTML",
    "Prettify": "整理格式",
    "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor "
    "schema.": "编辑器中的 HTML 内容。注意：只保留编辑器允许的标签和属性。",
    "URL": "链接地址",
    "Title": "标题",
    "Open in new window": "在新窗口打开",
    "Edit Link": "编辑链接",
    "List properties": "列表属性",
    "List Properties": "列表属性",
    "Toggle fullscreen": "全屏编辑",
    "Decimal numbers": "阿拉伯数字",
    "Lowercase letters": "小写字母",
    "Uppercase letters": "大写字母",
    "Lowercase Roman numerals": "小写罗马数字",
    "Uppercase Roman numerals": "大写罗马数字",
    "Bullets": "圆点",
    "Start at": "起始编号",
    "List type": "编号样式",
    "Rows": "行数",
    "Columns": "列数",
    "Include header row": "包含表头行",
    "Table Properties": "表格属性",
    "Insert Table": "插入表格",
    "Yes": "是",
    "No": "否",
    # Menu buttons and the block-type menu (titles set by the editor itself).
    "bold": "加粗",
    "italic": "斜体",
    "underline": "下划线",
    "strike": "删除线",
    "subscript": "下标",
    "superscript": "上标",
    "paragraph": "正文段落",
    "Paragraph": "正文段落",
    "heading 2": "二级标题",
    "heading 3": "三级标题",
    "heading 4": "四级标题",
    "Heading 2": "二级标题",
    "Heading 3": "三级标题",
    "Heading 4": "四级标题",
    "unordered list": "无序列表",
    "ordered list": "有序列表",
    "blockquote": "引用",
    "horizontal rule": "分隔线",
    "insert link": "插入链接",
    "remove link": "取消链接",
    "figure": "图片",
    "Insert table": "插入表格",
    "Merge cells": "合并单元格",
    "Split cell": "拆分单元格",
    "Add column": "插入列",
    "Delete column": "删除列",
    "Add row": "插入行",
    "Delete row": "删除行",
    "Toggle header cell": "切换表头单元格",
    "Delete table": "删除表格",
    "left": "左对齐",
    "center": "居中",
    "right": "右对齐",
    "justify": "两端对齐",
    "undo": "撤销",
    "redo": "重做",
    "edit HTML": "编辑 HTML",
    "HTML": "HTML 源码",
    "Code": "代码",
    "Code block": "代码块",
    "Block style": "段落样式",
    "Reset all classes": "清除样式",
    "Styles": "样式",
}

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "img",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "p": {"style"},
    "h2": {"style"},
    "h3": {"style"},
    "h4": {"style"},
}
TEXT_ALIGN = {"text-align: left", "text-align: center", "text-align: right", "text-align: justify"}


def _filter_attribute(tag, name, value):
    if tag == "img" and name == "src":
        # Images only from our own uploads: nothing hot-linked, no data: or javascript: URLs.
        return value if value.startswith("/media/") else None
    if name == "style":
        value = value.strip().rstrip(";").strip()
        return value + ";" if value in TEXT_ALIGN else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


def sanitize_html(html):
    """Return html with only the allowed tags, attributes and URL schemes kept."""
    cleaned = _CLEANER.clean(html or "")
    return "" if cleaned.strip() in {"", "<p></p>"} else cleaned

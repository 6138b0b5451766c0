"""The ten main public pages on a desktop, a phone and in 适老化 mode: screenshots kept as evidence.

The pictures go to screenshots/ at the repository's root (git-ignored; CI keeps the folder), one
first screen per page and mode, and the whole page on a phone. Each picture comes with checks a
reader would make: nothing wider than the phone, the page's heading in the first screen, and the
适老化 class on <html> before the body is parsed (no flash of the normal page).
"""

from pathlib import Path

from disclosure.models import Item
from services.models import ServiceGuide, ServiceTheme

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

MODES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}, "elder": False},
    "phone": {"viewport": {"width": 390, "height": 844}, "elder": False},
    "elder-desktop": {"viewport": {"width": 1280, "height": 800}, "elder": True},
    "elder-phone": {"viewport": {"width": 390, "height": 844}, "elder": True},
}

# Runs before any script of the page: records whether <html> has the 适老化 class when the body
# starts (the first paint can come no earlier) and at DOMContentLoaded.
WATCH_ELDER_CLASS = """
window.__elder = {};
new MutationObserver(function (records, observer) {
  if (document.body && !("body" in window.__elder)) {
    window.__elder.body = document.documentElement.classList.contains("elder");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
document.addEventListener("DOMContentLoaded", function () {
  window.__elder.loaded = document.documentElement.classList.contains("elder");
});
"""


def main_pages():
    theme = ServiceTheme.objects.filter(guides__isnull=False).distinct().first()
    return {
        "home": "/",
        "column": "/zwgk/lm/tzgg/",
        "item": Item.objects.public().latest().first().get_absolute_url(),
        "search": "/search/?q=土地",
        "guide-list": theme.get_absolute_url(),
        "guide": ServiceGuide.objects.published().first().get_absolute_url(),
        "messages": "/zmhd/liuyan/",
        "message-form": "/zmhd/xiexin/",
        "request-form": "/zwgk/ysqgk/",
        "consultations": "/zmhd/zhengqiu/",
    }


def test_main_pages_look_right(live_server, browser, demo_site):
    """One demo load, four modes: every problem of every page listed at once."""
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    for mode in MODES:
        problems += look_at_main_pages(live_server, browser, mode)
    assert problems == [], "\n".join(problems)


def look_at_main_pages(live_server, browser, mode):
    """Return what is wrong with the main pages in mode; their screenshots go to SCREENSHOTS."""
    settings = MODES[mode]
    width, height = settings["viewport"]["width"], settings["viewport"]["height"]
    context = browser.new_context(locale="zh-CN", viewport=settings["viewport"])
    if settings["elder"]:
        context.add_init_script('localStorage.setItem("elder-mode", "1");')
    context.add_init_script(WATCH_ELDER_CLASS)
    page = context.new_page()
    page.set_default_timeout(15000)
    problems = []
    try:
        for name, path in main_pages().items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.wait_for_load_state("load")
            elder = page.evaluate("window.__elder")
            if elder != {"body": settings["elder"], "loaded": settings["elder"]}:
                problems.append(f"{mode} {name}: 适老化 class at body / load: {elder}")
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            if scroll_width > width:
                problems.append(f"{mode} {name}: {scroll_width}px wide in a {width}px window")
            heading = page.locator("main h1").first
            box = heading.bounding_box()
            if not heading.is_visible() or box["y"] + box["height"] > height:
                problems.append(f"{mode} {name}: the heading is not in the first screen ({box})")
            if (
                settings["elder"]
                and page.evaluate("getComputedStyle(document.documentElement).fontSize") != "20px"
            ):
                problems.append(f"{mode} {name}: 适老化 type is not 20px")
            if name == "home":
                problems += look_at_headlines(page, mode, height)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{mode}.png"))
            if width < 640:
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{mode}-full.png"), full_page=True)
    finally:
        context.close()
    return problems


def look_at_headlines(page, mode, height):
    """The 要闻 picture never fills the first screen: at most 40 % of it, its titles in it."""
    picture = page.locator(".headline-featured img").first.bounding_box()
    first_title = page.locator(".headlines-body .news-list a").first.bounding_box()
    if picture["height"] > height * 0.4 or first_title["y"] + first_title["height"] > height:
        return [f"{mode} home: the 要闻 picture {picture} pushes its titles {first_title} down"]
    return []

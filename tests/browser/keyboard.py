"""Keyboard-only use: Tab, Shift+Tab, Space, Enter, and a visible focus after every key."""

from playwright.sync_api import Locator, Page

#: What the focused element shows: an outline or box-shadow on itself or on its ::before or
#: ::after; for a DSFR checkbox or radio (the real input is transparent), on its label.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return {focused: false};
  }
  const drawn = (style) => {
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1
      && style.outlineColor !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(style.outlineColor);
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    return outline ? `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`
      : shadow ? `box-shadow ${style.boxShadow}` : null;
  };
  // The DSFR sometimes draws the ring on a pseudo-element: the whole block of an
  // "enlarged" link (a::before), or the box of a checkbox (label::before).
  const ring = (node) => drawn(getComputedStyle(node)) || drawn(getComputedStyle(node, '::before'))
    || drawn(getComputedStyle(node, '::after'));
  let shown = element;
  if (parseFloat(getComputedStyle(element).opacity) === 0 && element.labels
      && element.labels.length) {
    shown = element.labels[0];
  }
  const indicator = ring(shown);
  const box = shown.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const text = (element.getAttribute('aria-label') || element.innerText
    || (element.labels && element.labels[0] && element.labels[0].innerText)
    || element.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
  return {
    focused: true,
    element: `<${element.tagName.toLowerCase()}${element.id ? ' id=' + element.id : ''}> ${text}`,
    indicator, onScreen,
    focusVisible: element.matches(':focus-visible'),
  };
}"""


def focus_state(page: Page) -> dict:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page: Page) -> dict:
    """Something has the focus, on screen, with a visible indicator (WCAG 2.4.7)."""
    state = focus_state(page)
    assert state["focused"], f"the focus was lost (on the page body) at {page.url}"
    assert state["onScreen"], f"the focused element is off screen: {state['element']}"
    assert state["indicator"], f"no visible focus indicator on {state['element']}"
    return state


def press(page: Page, key: str) -> dict:
    """Press one key, then check the focus is still visible."""
    page.keyboard.press(key)
    return assert_focus_visible(page)


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until `target` has the focus, checking the focus at each step."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(limit):
        state = press(page, key)
        visited.append(state["element"])
        if target.evaluate("element => element === document.activeElement"):
            return state
    raise AssertionError(
        f"{target} never got the focus after {limit} × {key}; went through:\n  "
        + "\n  ".join(visited)
    )


def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def type_into(page: Page, field: Locator, text: str) -> None:
    """Tab to a field and type, as a person does (no fill(): keys only)."""
    tab_to(page, field)
    page.keyboard.type(text)

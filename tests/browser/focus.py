"""Keyboard focus and control edges as a browser draws them, measured against WCAG's contrast.

Shared by the browser suite (tests/browser/test_focus_contrast.py) and the production stage. The
page reports computed styles; the colour arithmetic (WCAG 2.2 relative luminance and contrast
ratio) happens here, in Python.
"""

import re

MIN_OUTLINE_PX = 2.0
MIN_CONTRAST = 3.0  # WCAG 1.4.11 (non-text contrast) and 2.4.13 (focus appearance)

RGB = tuple[float, float, float]

_NUMBER = r"([\d.]+%?)"
_RGB = re.compile(
    rf"rgba?\(\s*{_NUMBER}[\s,]+{_NUMBER}[\s,]+{_NUMBER}(?:\s*[,/]\s*{_NUMBER})?\s*\)"
)
_SRGB = re.compile(rf"color\(srgb\s+{_NUMBER}\s+{_NUMBER}\s+{_NUMBER}(?:\s*/\s*{_NUMBER})?\s*\)")


def parse_color(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour (``rgb(…)``, ``rgba(…)``, ``color(srgb …)`` or ``#rrggbb``) as red,
    green and blue from 0 to 255 and alpha from 0 to 1."""
    css = css.strip().lower()
    if css == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    if re.fullmatch(r"#[0-9a-f]{6}", css):
        return (*(float(int(css[i : i + 2], 16)) for i in (1, 3, 5)), 1.0)

    def alpha(value: str | None) -> float:
        if value is None:
            return 1.0
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)

    if match := _RGB.fullmatch(css):
        red, green, blue = (
            float(v[:-1]) * 2.55 if v.endswith("%") else float(v) for v in match.groups()[:3]
        )
        return (red, green, blue, alpha(match.group(4)))
    if match := _SRGB.fullmatch(css):
        red, green, blue = (float(v) * 255 for v in match.groups()[:3])
        return (red, green, blue, alpha(match.group(4)))
    raise ValueError(f"not a colour this check reads: {css!r}")


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour (channels 0 to 255)."""

    def linear(channel: float) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB | str, second: RGB | str) -> float:
    """WCAG's contrast ratio of two opaque colours, from 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(_opaque(c)) for c in (first, second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def _opaque(colour: RGB | str) -> RGB:
    if isinstance(colour, str):
        red, green, blue, alpha = parse_color(colour)
        if alpha < 1:
            raise ValueError(f"{colour} is not opaque: composite it first")
        return (red, green, blue)
    return colour


def composite(layers: list[str]) -> RGB:
    """The colour seen through background layers listed from the nearest down (the page's white
    canvas under them all)."""
    seen = (255.0, 255.0, 255.0)
    for layer in reversed(layers):
        seen = over(layer, seen)
    return seen


def over(colour: str, background: RGB) -> RGB:
    """``colour`` as it shows over ``background`` (a translucent outline or border blends in)."""
    red, green, blue, alpha = parse_color(colour)
    return tuple(
        alpha * top + (1 - alpha) * below
        for top, below in zip((red, green, blue), background, strict=True)
    )


# Page-side helpers: what an element is, and the background layers behind a point of it, from the
# nearest down to the first opaque one.
_HELPERS = """
const describe = (el) => {
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const text = (label || el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 40);
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.tagName === "INPUT" ? `[type=${el.type}]` : "") + (text ? ` "${text}"` : "");
};
const kindOf = (el) => {
  const tag = el.tagName.toLowerCase();
  if (tag === "input") {
    if (el.type === "checkbox" || el.type === "radio") return el.type;
    if (["submit", "button", "reset", "image"].includes(el.type)) return "button";
    return "input";
  }
  if (tag === "a") return el.closest("nav") ? "nav link" : "link";
  return tag;
};
const layers = (el) => {
  const found = [];
  for (let node = el; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    found.push(colour);
    if (/^rgb\\(/.test(colour)) break;  // opaque: nothing further down shows through
  }
  return found;
};
// The focused element's outline and what is behind it: behind an outline drawn outside the
// element, its parent's background; behind one drawn inside it (a negative offset), its own.
const measure = (el) => {
  const style = getComputedStyle(el);
  return {
    kind: kindOf(el),
    element: describe(el),
    focused: document.activeElement === el,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    behind: layers(parseFloat(style.outlineOffset) >= 0 ? el.parentElement : el),
  };
};
const reachable = () => [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
  .filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== "hidden" && !el.closest("[inert]")
    && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden");
"""

# Every element a keyboard user reaches with Tab, focused one after the other (after a real Tab
# press, so that Chromium treats focus() as keyboard focus and matches :focus-visible).
_FOCUS_ALL = f"""() => {{
{_HELPERS}
  return reachable().map((el) => {{ el.focus(); const found = measure(el); el.blur(); return found; }});
}}"""

_FOCUS_ACTIVE = f"""() => {{
{_HELPERS}
  return measure(document.activeElement);
}}"""

# The edges of text inputs, selects, text areas, checkboxes and radios, unfocused, and the
# background outside them.
_BORDERS = f"""() => {{
{_HELPERS}
  document.activeElement.blur();
  return reachable().filter((el) => ["input", "select", "textarea", "checkbox", "radio"].includes(kindOf(el)))
    .map((el) => {{
      const style = getComputedStyle(el);
      return {{
        element: describe(el),
        appearance: style.appearance,
        sides: ["Top", "Right", "Bottom", "Left"].map((side) => ({{
          style: style[`border${{side}}Style`],
          width: parseFloat(style[`border${{side}}Width`]),
          color: style[`border${{side}}Color`],
        }})),
        behind: layers(el.parentElement),
      }};
    }});
}}"""


def focus_styles(page) -> list[dict]:
    """Every element Tab reaches on the page, focused as from the keyboard, with its outline."""
    page.keyboard.press("Tab")  # keyboard modality: focus() from here on is keyboard focus
    assert page.evaluate("document.activeElement.matches(':focus-visible')"), "not keyboard focus"
    return page.evaluate(_FOCUS_ALL)


def active_focus_style(page) -> dict:
    """The outline of whatever has focus now (after pressing Tab, say)."""
    return page.evaluate(_FOCUS_ACTIVE)


def focus_problems(page, where: str, *, kinds: set[str] | None = None) -> list[str]:
    """Each focusable element on the page whose keyboard focus is not an outline at least 2 px
    wide with 3:1 contrast against the background around it (``kinds`` collects the kinds of
    element checked: link, nav link, button, input, select, textarea, checkbox, radio…)."""
    problems = []
    for found in focus_styles(page):
        if kinds is not None:
            kinds.add(found["kind"])
        problem = outline_problem(found)
        if problem:
            problems.append(f"{where}: {found['kind']} {found['element']}: {problem}")
    return problems


def outline_problem(found: dict) -> str:
    if not found["focused"]:
        return "does not take focus"
    if found["outlineStyle"] in ("none", "hidden") or found["outlineWidth"] < MIN_OUTLINE_PX:
        return f"focus outline {found['outlineStyle']} {found['outlineWidth']:g}px (at least {MIN_OUTLINE_PX:g}px)"
    background = composite(found["behind"])
    ratio = contrast_ratio(over(found["outlineColor"], background), background)
    if ratio < MIN_CONTRAST:
        return f"focus outline {found['outlineColor']} is {ratio:.2f}:1 on {_hex(background)} (at least 3:1)"
    return ""


def border_problems(page, where: str) -> list[str]:
    """Each input, select, text area, checkbox or radio whose edge has less than 3:1 contrast with
    the background around it."""
    problems = []
    for found in page.evaluate(_BORDERS):
        background = composite(found["behind"])
        drawn = [
            s for s in found["sides"] if s["style"] not in ("none", "hidden") and s["width"] > 0
        ]
        if not drawn:
            if found["appearance"] != "none":
                continue  # drawn by the browser itself, whose native edges are dark grey
            problems.append(f"{where}: {found['element']}: no visible border")
            continue
        ratio = min(contrast_ratio(over(s["color"], background), background) for s in drawn)
        if ratio < MIN_CONTRAST:
            colours = sorted({s["color"] for s in drawn})
            problems.append(
                f"{where}: {found['element']}: border {', '.join(colours)} is {ratio:.2f}:1 on {_hex(background)} (at least 3:1)"
            )
    return problems


def _hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)

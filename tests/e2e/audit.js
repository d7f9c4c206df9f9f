// The usability audit the browser tests run on every page they crawl (tests/e2e/test_usability.py).
// Returns a list of problems, each a short text naming the element.
() => {
  const problems = [];
  const describe = (el) => {
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 60);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.name ? " name=" + el.name : ""}> “${text}”`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };

  // Every form field has a name a screen reader reads: a label, aria-label(ledby) or a title.
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset"].includes(field.type)) continue;
    if (!visible(field)) continue;
    const named = field.labels.length || field.getAttribute("aria-label")
      || field.getAttribute("aria-labelledby") || field.title;
    if (!named) problems.push("field without a label: " + describe(field));
  }
  // Every link and button says what it does.
  for (const el of document.querySelectorAll("a[href], button")) {
    if (!visible(el)) continue;
    const img = el.querySelector("img[alt], svg[aria-label]");
    const name = (el.innerText || el.textContent || "").trim() || el.getAttribute("aria-label") || el.title
      || (img && (img.alt || img.getAttribute("aria-label")));
    if (!name) problems.push("link or button without a name: " + el.outerHTML.slice(0, 100));
  }
  // The keyboard order is the page's order; whatever reacts to a click is a link, a button or
  // a form control (htmx on anything else would be out of the keyboard's reach).
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (parseInt(el.getAttribute("tabindex"), 10) > 0) problems.push("positive tabindex: " + describe(el));
  }
  for (const el of document.querySelectorAll("[hx-get], [hx-post]")) {
    const trigger = el.getAttribute("hx-trigger") || "";
    const interactive = ["A", "BUTTON", "FORM", "INPUT", "SELECT", "TEXTAREA"].includes(el.tagName);
    if (!interactive && !/^(every |load)/.test(trigger)) problems.push("htmx on a non-interactive element: " + describe(el));
  }
  // One main heading; the language declared.
  if (document.querySelectorAll("h1").length !== 1) problems.push(`${document.querySelectorAll("h1").length} h1 headings`);
  if (!document.documentElement.lang) problems.push("no lang on <html>");

  // Readable contrast (WCAG AA): 4.5:1, 3:1 for large text; disabled controls are exempt.
  const parse = (color) => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!visible(el) || el.closest(".visually-hidden, .skip-link, [hidden], option, :disabled")) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    if (!fg) continue;
    const l1 = luminance(fg), l2 = luminance(background(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(el)}`);
  }
  return problems;
}

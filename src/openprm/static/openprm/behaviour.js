// Small behaviours of every page, declared in the markup by data attributes (the
// Content-Security-Policy allows no inline script, no event handler attribute and
// no style attribute; sizes set here through the style object are allowed).

// <select data-submit-on-change>: choosing an option submits its form.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.requestSubmit();
});

// Sizes computed by the server: data-progress="40" (a progress bar's width, %),
// data-indent="2" (a nested item's left padding, rem), data-ratio="141.4" (a page's
// height as a share of its width, %), data-box="left top width height" (a zone
// placed on a page, %).
function applySizes(root) {
  const each = (selector, apply) => {
    if (root.matches && root.matches(selector)) apply(root);
    root.querySelectorAll(selector).forEach(apply);
  };
  each("[data-progress]", (el) => { el.style.width = `${el.dataset.progress}%`; });
  each("[data-indent]", (el) => { el.style.paddingLeft = `${el.dataset.indent}rem`; });
  each("[data-ratio]", (el) => { el.style.paddingTop = `${el.dataset.ratio}%`; });
  each("[data-box]", (el) => {
    const [left, top, width, height] = el.dataset.box.split(" ");
    Object.assign(el.style, {
      left: `${left}%`, top: `${top}%`, width: `${width}%`, height: `${height}%`,
    });
  });
}
document.addEventListener("DOMContentLoaded", () => applySizes(document));
// Content htmx swaps in (an import's progress, polled) gets its sizes too.
document.addEventListener("htmx:load", (event) => applySizes(event.detail.elt));

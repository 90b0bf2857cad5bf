// Small behaviours of every page, declared in the markup by data attributes (the
// Content-Security-Policy allows no inline script or event handler attributes).

// <select data-submit-on-change>: choosing an option submits its form.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.requestSubmit();
});

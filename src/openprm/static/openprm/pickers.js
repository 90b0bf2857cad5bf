// Pickers with search: a <select data-searchable> gets a search box above it that
// narrows its options to those whose text contains what is typed (countries by
// name, partners, users, programmes). Without JavaScript the select still works.
(() => {
  const enhance = (select) => {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.searchPlaceholder || "Search…";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id || "");
    select.before(box);
    box.addEventListener("input", () => {
      const needle = box.value.trim().toLowerCase();
      let first = null;
      for (const option of select.options) {
        const match = !needle || option.text.toLowerCase().includes(needle);
        option.hidden = !match;
        if (match && option.value && !first) first = option;
      }
      // A single select follows the search; a multiple one keeps its choices.
      if (!select.multiple && needle && first && select.selectedOptions[0]?.hidden) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  };
  const scan = (root) =>
    root.querySelectorAll("select[data-searchable]").forEach(enhance);
  document.addEventListener("DOMContentLoaded", () => scan(document));
  document.addEventListener("htmx:load", (event) => scan(event.target));
})();

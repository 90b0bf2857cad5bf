// Pickers with search.
//
// - A <select data-searchable> gets a search box above it that narrows its options
//   to those whose text contains what is typed (countries by name, programmes).
// - A <select data-search-url> holds only the chosen row (a partner among
//   100,000): its search box (rendered by the server, core/pickers.py) asks the
//   endpoint for the first matches as the user types, and they replace the
//   options. Without JavaScript that box is submitted with the form and the page
//   comes back with the matches.
//
// A single select follows the search: the first match is chosen. Without
// JavaScript every select still works.
(() => {
  const followSearch = (select, first) => {
    if (select.multiple || !first || select.value === first.value) return;
    select.value = first.value;
    select.dataset.following = "1";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    delete select.dataset.following;
  };

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
      if (needle && first && select.selectedOptions[0]?.hidden) {
        followSearch(select, first);
      }
    });
  };

  // The status line's sentences come translated from the page (data-say-*).
  const say = (status, key, count) => {
    if (status) status.textContent = (status.dataset[key] || "").replace("%(count)s", count);
  };

  const enhanceRemote = (select) => {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    const box = select.parentElement.querySelector(
      `input[data-picker-search][aria-controls="${CSS.escape(select.id)}"]`,
    );
    if (!box) return;
    // The search runs here now: the box is no longer part of the form.
    box.removeAttribute("name");
    const status = select.parentElement.querySelector(
      `[data-picker-status="${CSS.escape(select.id)}"]`,
    );
    const empty = select.querySelector('option[value=""]');
    let timer = null;
    let asked = 0;
    let loaded = false;
    const collapse = () => select.removeAttribute("size");

    const show = (results, term) => {
      const chosen = select.selectedOptions[0];
      const keep = chosen && chosen.value ? chosen : null;
      select.replaceChildren();
      if (empty) select.append(empty);
      // The chosen row stays until a match replaces it.
      if (keep && !results.some((row) => String(row.id) === keep.value)) {
        select.append(keep);
        keep.selected = true;
      }
      let first = null;
      for (const row of results) {
        const option = new Option(row.name, String(row.id));
        if (keep && option.value === keep.value) option.selected = true;
        select.append(option);
        first = first || option;
      }
      if (!select.selectedOptions.length && empty) empty.selected = true;
      if (term) followSearch(select, first);
      // The matches stay open as a list under the box until one is chosen.
      if (term && first) select.size = Math.min(select.options.length, 8);
      else collapse();
    };

    const search = async (term) => {
      const ask = ++asked;
      const url = new URL(select.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", term);
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        const answer = await response.json();
        if (ask !== asked) return; // a later search has been asked
        loaded = true;
        show(answer.results, term);
        const count = answer.results.length;
        say(status, count === 0 ? "sayNone" : answer.more ? "sayMore" : "saySome", count);
      } catch (error) {
        if (ask === asked) say(status, "sayFailed", 0);
      }
    };

    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => search(box.value.trim()), 250);
    });
    // The first rows by name, to browse without typing.
    const browse = () => {
      if (!loaded && !box.value.trim()) search("");
    };
    box.addEventListener("focus", browse);
    select.addEventListener("focus", browse);
    // Arrow down from the box moves into the matches; a choice closes them.
    box.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && select.size > 1) {
        event.preventDefault();
        select.focus();
      }
    });
    select.addEventListener("change", () => {
      if (!select.dataset.following) collapse();
    });
    select.addEventListener("keydown", (event) => {
      if (event.key === "Escape" || event.key === "Enter") collapse();
    });
  };

  const scan = (root) => {
    root.querySelectorAll("select[data-search-url]").forEach(enhanceRemote);
    root.querySelectorAll("select[data-searchable]").forEach(enhance);
  };
  document.addEventListener("DOMContentLoaded", () => scan(document));
  document.addEventListener("htmx:load", (event) => scan(event.target));
})();

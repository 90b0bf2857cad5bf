// The rule builder of segments and audiences (segments/_rule_builder.html): rows of
// conditions that write a flat {"all"|"any": [...]} rule into the form's "rule"
// textarea, which previews itself. Its settings and labels come from the page's
// #rule-builder-config element (data attributes) and the "rule-fields" JSON block.
document.addEventListener("DOMContentLoaded", function () {
  function attr(text) {
    // A label put inside markup built as text, as an attribute value.
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  var rule = document.querySelector("[name=rule]");
  if (!rule) { return; }
  var config = document.getElementById("rule-builder-config").dataset;
  rule.setAttribute("hx-post", config.previewUrl);
  rule.setAttribute("hx-include", config.previewInclude);
  rule.setAttribute("hx-trigger", "keyup changed delay:500ms, rule-built, load");
  rule.setAttribute("hx-target", "#rule-preview");
  htmx.process(rule);

  // The condition rows write a flat {"all"|"any": [...]} rule into the textarea;
  // a nested rule stays JSON-only.
  var fields = JSON.parse(document.getElementById("rule-fields").textContent);
  var byName = {};
  fields.forEach(function (f) { byName[f.name] = f; });
  var rows = document.getElementById("rule-rows");
  var join = document.getElementById("rule-join");
  var LISTS = ["in", "any"], BOOLS = ["is", "is_set"], NUMBERS = ["gt", "gte", "lt", "lte"];

  function parseValue(field, op, text, choice) {
    text = text.trim();
    if ((byName[field] || {}).value_is_choice) {
      // The choice is the value (a segment): one, or a list of one for "in".
      return LISTS.indexOf(op) >= 0 ? [choice] : choice;
    }
    if (field === "score") {
      // "60-100" for between, "60" for gte (min) or lte (max).
      var bounds = text.split("-").map(function (v) { return Number(v.trim()); });
      var value = {scorecard: choice};
      if (op === "between") { value.min = bounds[0]; value.max = bounds[1]; }
      else if (op === "gte") { value.min = bounds[0]; }
      else { value.max = bounds[0]; }
      return value;
    }
    if (field === "tier") {
      var parts = text.split("/");
      return {programme: (parts[0] || "").trim(), tier: (parts.slice(1).join("/") || "").trim()};
    }
    if (LISTS.indexOf(op) >= 0) {
      return text.split(",").map(function (v) { return v.trim(); }).filter(Boolean);
    }
    if (BOOLS.indexOf(op) >= 0) { return text === "true" || text === "yes"; }
    var spec = byName[field] || {};
    if (spec.type === "number") { return Number(text); }
    return text;
  }
  function showValue(field, value) {
    if (field === "tier" && value) { return value.programme + "/" + value.tier; }
    if (field === "score" && value) {
      return value.min !== undefined && value.max !== undefined ? value.min + "-" + value.max
        : String(value.min !== undefined ? value.min : value.max);
    }
    if (Array.isArray(value)) { return value.join(", "); }
    return value === undefined ? "" : String(value);
  }
  function build() {
    var conditions = [];
    rows.querySelectorAll("[data-row]").forEach(function (row) {
      var field = row.querySelector(".rule-field").value;
      var op = row.querySelector(".rule-op").value;
      var text = row.querySelector(".rule-value").value;
      var choice = row.querySelector(".rule-choice");
      conditions.push({field: field, op: op, value: parseValue(field, op, text, choice && choice.value)});
    });
    var built = {};
    built[join.value] = conditions;
    rule.value = conditions.length ? JSON.stringify(built, null, 2) : "";
    htmx.trigger(rule, "rule-built");
  }
  function setOps(row, selected) {
    var opSelect = row.querySelector(".rule-op");
    var spec = byName[row.querySelector(".rule-field").value];
    opSelect.innerHTML = "";
    spec.ops.forEach(function (op) {
      var option = new Option(op, op, false, op === selected);
      opSelect.add(option);
    });
  }
  function setChoices(row, selected) {
    // A field with choices (a score's scorecard) gets a select before its value;
    // where the choice is the value (a segment), the select replaces the input.
    var old = row.querySelector(".rule-choice");
    if (old) { old.remove(); }
    var spec = byName[row.querySelector(".rule-field").value];
    row.querySelector(".rule-value").hidden = Boolean(spec.value_is_choice);
    if (!spec.choices) { return; }
    var select = document.createElement("select");
    select.className = "form-select form-select-sm w-auto rule-choice";
    select.setAttribute("aria-label", spec.value_is_choice ? spec.label : config.labelScorecard);
    spec.choices.forEach(function (c) { select.add(new Option(c.name, c.id, false, c.id === selected)); });
    select.addEventListener("change", build);
    row.querySelector(".rule-op").after(select);
  }
  function addRow(condition) {
    var row = document.createElement("div");
    row.className = "d-flex gap-2 mb-2";
    row.setAttribute("data-row", "");
    row.innerHTML = '<select class="form-select form-select-sm rule-field" aria-label="' + attr(config.labelField) + '"></select>' +
      '<select class="form-select form-select-sm w-auto rule-op" aria-label="' + attr(config.labelOperator) + '"></select>' +
      '<input class="form-control form-control-sm rule-value" aria-label="' + attr(config.labelValue) + '">' +
      '<button class="btn btn-sm btn-outline-danger" type="button" aria-label="' + attr(config.labelRemove) + '">&times;</button>';
    var fieldSelect = row.querySelector(".rule-field");
    fields.forEach(function (f) { fieldSelect.add(new Option(f.label, f.name)); });
    if (condition) { fieldSelect.value = condition.field; }
    setOps(row, condition && condition.op);
    var chosen = condition && condition.value;
    chosen = chosen && (Array.isArray(chosen) ? chosen[0] : (chosen.scorecard || chosen));
    setChoices(row, chosen);
    row.querySelector(".rule-value").value = condition ? showValue(condition.field, condition.value) : "";
    fieldSelect.addEventListener("change", function () { setOps(row); setChoices(row); build(); });
    row.querySelector(".rule-op").addEventListener("change", build);
    row.querySelector(".rule-value").addEventListener("input", build);
    row.querySelector("button").addEventListener("click", function () { row.remove(); build(); });
    rows.appendChild(row);
  }
  document.getElementById("rule-add").addEventListener("click", function () { addRow(); build(); });
  join.addEventListener("change", build);

  var current = null;
  try { current = rule.value.trim() ? JSON.parse(rule.value) : null; } catch (e) { current = undefined; }
  var key = current && (current.all ? "all" : current.any ? "any" : null);
  var flat = current === null || (key && Object.keys(current).length === 1 &&
    current[key].every(function (c) {
      return c && c.field && byName[c.field] &&
        !(byName[c.field].value_is_choice && Array.isArray(c.value) && c.value.length > 1);
    }));
  if (!flat) {
    document.getElementById("rule-advanced").hidden = false;
    document.getElementById("rule-add").disabled = true;
    join.disabled = true;
  } else if (current) {
    join.value = key;
    current[key].forEach(addRow);
  }
});

// The audience form (segments/audiences/audience_form.html): a change of roles
// recounts the users reached, and "everyone active" starts the rule afresh.
document.addEventListener("DOMContentLoaded", function () {
  // A change of roles recounts the users reached, as a change of the rule does.
  var rule = document.querySelector("[name=rule]");
  document.querySelectorAll("[name=partner_roles]").forEach(function (box) {
    box.addEventListener("change", function () { htmx.trigger(rule, "rule-built"); });
  });
  document.getElementById("everyone-active").addEventListener("click", function () {
    rule.value = JSON.stringify({all: [{field: "status", op: "eq", value: "active"}]}, null, 2);
    // The builder reads the textarea when the page loads: start it afresh.
    var rows = document.getElementById("rule-rows");
    rows.innerHTML = "";
    document.getElementById("rule-add").click();
    var row = rows.querySelector("[data-row]");
    if (!row) { htmx.trigger(rule, "rule-built"); return; }
    row.querySelector(".rule-field").value = "status";
    row.querySelector(".rule-field").dispatchEvent(new Event("change"));
    row.querySelector(".rule-value").value = "active";
    row.querySelector(".rule-value").dispatchEvent(new Event("input"));
  });
});

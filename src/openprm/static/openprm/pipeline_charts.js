// The pipeline's bar charts (deals/pipeline_charts.html), drawn with Chart.js from
// the page's "pipeline-chart-data" JSON block.
document.addEventListener("DOMContentLoaded", function () {
  // The figures come from the json_script block above; nothing is interpolated here.
  var data = JSON.parse(document.getElementById("pipeline-chart-data").textContent);
  if (typeof Chart === "undefined") { return; }
  function bars(canvasId, series, stacked) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          {label: "Amount (" + data.currency + ")", data: series.amount},
          {label: "Weighted (" + data.currency + ")", data: series.weighted}
        ]
      },
      options: {responsive: true, animation: false, scales: {y: {beginAtZero: true}}}
    });
  }
  bars("pipeline-stages-chart", data.stages);
  bars("pipeline-months-chart", data.months);
});

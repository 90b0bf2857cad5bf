// The metrics charts (metrics/dashboard.html and the partner page's section), drawn
// with Chart.js from the page's "metrics-chart-data" JSON block: each chart names
// its canvas, its type, its labels and its datasets. Every chart has a table beside
// or below it with the exact figures.
document.addEventListener("DOMContentLoaded", function () {
  var block = document.getElementById("metrics-chart-data");
  if (!block || typeof Chart === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  data.charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: chart.type,
      data: {labels: chart.labels, datasets: chart.datasets},
      options: {
        responsive: true,
        animation: false,
        spanGaps: true,
        scales: {y: {beginAtZero: true}}
      }
    });
  });
});

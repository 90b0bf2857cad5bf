// The campaign funnel as a horizontal bar chart (Chart.js, vendored).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("campaign-funnel");
  const data = document.getElementById("campaign-funnel-data");
  if (!canvas || !data || typeof Chart === "undefined") return;
  const funnel = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: funnel.labels,
      datasets: [{
        data: funnel.values,
        backgroundColor: ["#0a58ca", "#dc3545", "#6f42c1", "#fd7e14", "#198754"],
      }],
    },
    options: {
      indexAxis: "y",
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});

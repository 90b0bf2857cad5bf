// Live answer countdown on the portal's lead pages: every element with
// data-respond-by (an ISO date) shows the time left (hours and minutes), refreshed every 30 seconds.
(function () {
  function left(deadline) {
    var minutes = Math.floor((deadline - Date.now()) / 60000);
    if (minutes <= 0) return "0 min";
    var hours = Math.floor(minutes / 60);
    return (hours ? hours + " h " : "") + (minutes % 60) + " min";
  }
  function tick() {
    document.querySelectorAll("[data-respond-by]").forEach(function (element) {
      var deadline = Date.parse(element.getAttribute("data-respond-by"));
      if (!isNaN(deadline)) element.textContent = left(deadline);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
  });
})();

// Draws each chart of the dashboard from the JSON block the page carries (#chart-data).
// The data comes from the server's tables; no HTML is built from strings here.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent || "{}");
  var colours = ["#0b5cad", "#9aa7b4", "#2e7d32", "#c77700"];
  Object.keys(charts).forEach(function (name) {
    var canvas = document.getElementById("chart-" + name);
    if (!canvas) { return; }
    var spec = charts[name];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: spec.kind === "hbar" ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } }
      }
    });
  });
}());

/* The statistics page's charts (Chart.js from static/vendor). The figures come from the
   page's <script type="application/json" id="public-chart-data"> (json_script); the tables
   under each chart hold the same figures for screen readers and for browsers without
   JavaScript. No inline script or style: the CSP allows neither. */
(function () {
  "use strict";

  var GREEN = "#0b6b3a";
  var PALETTE = ["#9fc5b0", "#5f9f7e", "#0b6b3a", "#b8860b", "#7a3e00"];

  function data() {
    var node = document.getElementById("public-chart-data");
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function integerTicks() {
    return { precision: 0 };
  }

  function funnel(canvas, figures, title) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: [{ label: title, data: figures.values, backgroundColor: PALETTE, borderColor: GREEN, borderWidth: 1 }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, title: { display: false } },
        scales: { y: { beginAtZero: true, ticks: integerTicks() } }
      }
    });
  }

  function provinces(canvas, figures) {
    // One horizontal bar group per province: the box grows with the number of provinces
    // (set through the CSSOM, which the CSP allows, unlike a style attribute).
    var box = canvas.parentNode;
    box.style.height = Math.max(240, figures.labels.length * 26 * figures.series.length / 2 + 80) + "px";
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.series.map(function (series, index) {
          return { label: series.label, data: series.values, backgroundColor: PALETTE[index % PALETTE.length] };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "top" } },
        scales: { x: { beginAtZero: true, ticks: integerTicks() } }
      }
    });
  }

  function coverage(canvas, figures) {
    var box = canvas.parentNode;
    box.style.height = Math.max(200, figures.labels.length * 40 + 80) + "px";
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.series.map(function (series, index) {
          return { label: series.label, data: series.values, backgroundColor: PALETTE[(index * 2 + 1) % PALETTE.length] };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "top" } },
        scales: { x: { beginAtZero: true } }
      }
    });
  }

  function draw() {
    var figures = data();
    if (!figures || !window.Chart) return;
    var funnelCanvas = document.getElementById("chart-funnel");
    if (funnelCanvas) funnel(funnelCanvas, figures.funnel, figures.titles.funnel);
    var provincesCanvas = document.getElementById("chart-provinces");
    if (provincesCanvas && figures.provinces.labels.length) provinces(provincesCanvas, figures.provinces);
    var coverageCanvas = document.getElementById("chart-coverage");
    if (coverageCanvas && figures.coverage.labels.length) coverage(coverageCanvas, figures.coverage);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

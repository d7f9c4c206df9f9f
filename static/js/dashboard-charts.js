/* The dashboard's charts (Chart.js from static/vendor). Each <div class="chart-box"
   data-chart="ID"> draws the figures of <script type="application/json" id="ID"> (json_script):
   {labels, series: [{label, values}], horizontal, stacked}. The table beside each chart holds the
   same figures for screen readers and for browsers without JavaScript. No inline script or
   style: the CSP allows neither. */
(function () {
  "use strict";

  var PALETTE = ["#0b6b3a", "#b8860b", "#5f9f7e", "#7a3e00", "#9fc5b0"];

  function figures(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function draw(box) {
    var data = figures(box.getAttribute("data-chart"));
    var canvas = box.querySelector("canvas");
    if (!data || !canvas || !data.labels.length) {
      box.hidden = true;
      return;
    }
    var valueAxis = { beginAtZero: true, stacked: !!data.stacked, ticks: { precision: 0 } };
    var labelAxis = { stacked: !!data.stacked };
    if (data.horizontal) {
      // A bar per label: the box grows with their number (set through the CSSOM, which the
      // CSP allows, unlike a style attribute).
      box.style.height = Math.max(160, data.labels.length * 28 + 90) + "px";
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return { label: series.label, data: series.values, backgroundColor: PALETTE[index % PALETTE.length] };
        })
      },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: data.series.length > 1, position: "top" } },
        scales: data.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      }
    });
  }

  function start() {
    if (!window.Chart) return;
    var boxes = document.querySelectorAll(".chart-box[data-chart]");
    for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

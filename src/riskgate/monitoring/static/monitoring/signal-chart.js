// A signal's series (监测信号): the weekly counts as bars, the detector's expected value and its bound as lines,
// drawn with the local ECharts from the figures the page carries as JSON. The table below the chart holds the
// same figures for readers without script or sight.
(function () {
  "use strict";
  function draw(holder) {
    var source = document.getElementById(holder.dataset.series);
    if (!source || typeof echarts === "undefined") { return; }
    var history = JSON.parse(source.textContent);
    if (!history.weeks || !history.weeks.length) { return; }
    holder.hidden = false;
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 32, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: history.weeks },
      yAxis: { type: "value", min: 0, minInterval: 1 },
      series: [
        { name: holder.dataset.observed, type: "bar", data: history.observed,
          itemStyle: { color: "#4a6fa5" } },
        { name: holder.dataset.expected, type: "line", data: history.expected, symbol: "none",
          lineStyle: { type: "dashed" }, connectNulls: false },
        { name: holder.dataset.bound, type: "line", data: history.upperbound, symbol: "none",
          lineStyle: { color: "#b3261e" }, connectNulls: false }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-signal-chart]").forEach(draw);
})();

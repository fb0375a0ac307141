// The recall effectiveness rate over time (召回率): an ECharts line from the figures the page carries as JSON.
(function () {
  "use strict";
  function draw(holder) {
    var source = document.getElementById(holder.dataset.series);
    if (!source || typeof echarts === "undefined") { return; }
    var series = JSON.parse(source.textContent);
    if (!series.length) { return; }
    holder.hidden = false;
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 24, top: 24, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      xAxis: { type: "category", data: series.map(function (p) { return p.date; }) },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: holder.dataset.label, type: "line", symbolSize: 8,
                 data: series.map(function (p) { return Math.round(p.rate * 1000) / 10; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-recall-chart]").forEach(draw);
})();

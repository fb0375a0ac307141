// The dashboard's charts, drawn with ECharts from the same table the page shows (and the CSV holds). A click on a
// figure opens the records behind it, as the link in the table does.
(function () {
  "use strict";
  var TOP = 20;
  var script = document.currentScript;
  var worldUrl = script && script.dataset.world;
  var world = null;

  function go(url) { if (url) { window.location.href = url; } }

  function option(data, holder) {
    var rows = data.rows, links = data.links;
    // The columns the chart draws (after the label); the table may hold more (counts behind a rate, medians).
    var drawn = data.columns.slice(1, data.plotted ? 1 + data.plotted : data.columns.length);
    if (data.kind === "line") {
      return {
        grid: { left: 48, right: 24, top: 24, bottom: 40 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "line", name: drawn[0], symbolSize: 6,
                   data: rows.map(function (r, i) { return { value: r[1], link: links[i][1] }; }) }]
      };
    }
    if (data.kind === "bar") {
      var top = rows.slice(0, TOP).reverse();
      var topLinks = links.slice(0, TOP).reverse();
      return {
        grid: { left: 8, right: 32, top: 8, bottom: 24, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: top.map(function (r) { return r[0]; }),
                 axisLabel: { width: 160, overflow: "truncate" } },
        series: [{ type: "bar", name: data.columns[1],
                   data: top.map(function (r, i) { return { value: r[1], link: topLinks[i][1] }; }) }]
      };
    }
    if (data.kind === "stacked") {
      return {
        grid: { left: 48, right: 24, top: 40, bottom: 40 },
        legend: { top: 0 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: drawn.map(function (name, c) {
          return { type: "bar", stack: "all", name: name,
                   data: rows.map(function (r, i) { return { value: r[c + 1], link: links[i][c + 1] }; }) };
        })
      };
    }
    var max = rows.reduce(function (m, r) { return Math.max(m, r[1]); }, 0);
    return {
      tooltip: { trigger: "item", formatter: function (p) {
        return p.data ? p.data.label + ": " + p.data.value : p.name;
      } },
      visualMap: { min: 0, max: Math.max(max, 1), left: 8, bottom: 8, calculable: true,
                   inRange: { color: ["#e0ecf8", "#0b4f8a"] } },
      series: [{ type: "map", map: "world", nameProperty: "ISO_A2", roam: true,
                 emphasis: { label: { show: false } },
                 data: rows.map(function (r, i) {
                   return { name: data.keys[i], value: r[1], label: r[0], link: links[i][1] };
                 }).filter(function (d) { return d.name; }) }]
    };
  }

  function draw(holder) {
    var source = document.getElementById(holder.dataset.series);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.rows.length) { holder.hidden = true; return; }
    if (data.kind === "map" && !world) { return; }
    var chart = echarts.init(holder, null, { renderer: "svg" });
    var options = Object.assign({ animation: false }, option(data, holder));
    if (data.colors && data.colors.length) { options.color = data.colors; }
    chart.setOption(options);
    chart.on("click", function (p) { go(p.data && p.data.link); });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() { document.querySelectorAll("[data-insight-chart]").forEach(draw); }

  if (worldUrl && document.querySelector("[data-insight-chart='country']")) {
    fetch(worldUrl).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("world", geo);
      world = geo;
    }).catch(function () { world = null; }).finally(drawAll);
  } else {
    drawAll();
  }
})();

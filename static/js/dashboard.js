/* Leadership dashboard: draws the ECharts charts from the JSON block rendered by json_script.
   Every chart has its data as a table right below it, so nothing here is the only copy. */
(function () {
  "use strict";

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof window.echarts === "undefined") {
      return null;
    }
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    return chart;
  }

  function init() {
    var source = document.getElementById("dashboard-data");
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var base = { animation: false, tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 40, bottom: 48, containLabel: true } };
    var charts = [
      draw("chart-publication", Object.assign({}, base, {
        xAxis: { type: "category", data: data.publication.labels },
        yAxis: { type: "value", minInterval: 1, name: "条" },
        series: [{ name: "发布信息", type: "bar", data: data.publication.values, itemStyle: { color: "#1e5aa8" } }]
      })),
      draw("chart-messages", Object.assign({}, base, {
        legend: { data: ["收到留言", "按时答复"] },
        xAxis: { type: "category", data: data.messages.labels },
        yAxis: { type: "value", minInterval: 1, name: "件" },
        series: [
          { name: "收到留言", type: "line", data: data.messages.received, itemStyle: { color: "#b26a00" } },
          { name: "按时答复", type: "line", data: data.messages.on_time, itemStyle: { color: "#2e7d32" } }
        ]
      })),
      draw("chart-requests", Object.assign({}, base, {
        legend: { data: ["收到申请", "答复", "按期答复"] },
        xAxis: { type: "category", data: data.requests.labels },
        yAxis: { type: "value", minInterval: 1, name: "件" },
        series: [
          { name: "收到申请", type: "bar", data: data.requests.received, itemStyle: { color: "#1e5aa8" } },
          { name: "答复", type: "bar", data: data.requests.replied, itemStyle: { color: "#9e9e9e" } },
          { name: "按期答复", type: "line", data: data.requests.on_time, itemStyle: { color: "#2e7d32" } }
        ]
      })),
      draw("chart-reply-types", Object.assign({}, base, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 16, right: 24, top: 16, bottom: 24, containLabel: true },
        xAxis: { type: "value", minInterval: 1, name: "件" },
        yAxis: { type: "category", data: data.reply_types.labels.slice().reverse(), axisLabel: { width: 200, overflow: "truncate" } },
        series: [{ name: "办结", type: "bar", barMaxWidth: 24, data: data.reply_types.values.slice().reverse(), itemStyle: { color: "#1e5aa8" } }]
      })),
      draw("chart-departments", Object.assign({}, base, {
        legend: { data: ["本月发布", "任务数"] },
        xAxis: { type: "category", data: data.departments.labels, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", minInterval: 1, name: "条" },
        series: [
          { name: "本月发布", type: "bar", data: data.departments.published, itemStyle: { color: "#1e5aa8" } },
          { name: "任务数", type: "bar", data: data.departments.targets, itemStyle: { color: "#9e9e9e" } }
        ]
      }))
    ];
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) {
        if (chart) {
          chart.resize();
        }
      });
    });
    document.documentElement.setAttribute("data-dashboard-ready", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

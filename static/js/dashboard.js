// Draws the dashboard's charts with ECharts from the page's JSON data island; the tables beside them stay
// the record (the page is complete without this script).
(function () {
  const island = document.getElementById("chart-data");
  if (!island || !window.echarts) return;
  const data = JSON.parse(island.textContent);
  const red = ["#c8102e", "#f0a202", "#5b8e7d", "#33658a", "#86bbd8", "#999999"];
  document.querySelectorAll("[data-chart]").forEach((box) => {
    const series = data[box.dataset.chart];
    if (!series || !series.values.length) return;
    box.style.height = "260px";
    const chart = window.echarts.init(box, null, { renderer: "svg" });
    const values = series.values.map(Number);
    const pie = box.dataset.chart === "status" || box.dataset.chart === "provinces";
    chart.setOption(pie ? {
      color: red, tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: series.labels.map((name, i) => ({ name, value: values[i] })) }],
    } : {
      color: red, tooltip: { trigger: "axis" }, grid: { left: 48, right: 12, top: 12, bottom: 60 },
      xAxis: { type: "category", data: series.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" }, series: [{ type: "bar", data: values }],
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();

/* Charts and the run progress bar of the office dashboard.
 * ECharts comes from our own static files (static/vendor/, vendored by `make install`), the data
 * from json_script blocks on the page: nothing is fetched from outside (intranet).
 * Every visible text comes from the page (translated on the server). */
(function () {
  'use strict';

  function payload(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  var charts = [];

  // Clean axis ticks: steps of 1, 2 or 5 times a power of ten, bounds on a step, a rate never
  // above 100 %, a count in whole steps.
  function niceAxis(values, percent, decimals) {
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    if (!present.length) { return { min: null, max: null, step: null, places: decimals }; }
    var low = Math.min.apply(null, present);
    var high = Math.max.apply(null, present);
    var span = high - low || Math.abs(high) || 1;
    var raw = span / 4;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; })
      .filter(function (s) { return s >= raw; })[0];
    if (decimals === 0 && step < 1) { step = 1; }
    var min = Math.floor(low / step) * step;
    var max = Math.ceil(high / step) * step;
    if (min === low && min > 0) { min -= step; }
    if (max === high) { max += step; }
    if (low >= 0 && min < 0) { min = 0; }
    if (percent && high <= 100 && max > 100) { max = 100; }
    var places = Math.max(0, -Math.floor(Math.log10(step)));
    return { min: Number(min.toFixed(places)), max: Number(max.toFixed(places)), step: step,
      places: places };
  }

  function trendChart(node, series) {
    var lines = series.targets || [];
    var regions = series.regions || [];
    var partial = series.partial || [];
    var decimals = series.decimals === undefined ? 2 : series.decimals;
    // Complete quarters as a solid line; a quarter some regions below have not had approved yet
    // reads low, so it is drawn hollow, on a dashed segment, and the tooltip says how many
    // regions have reported.
    var solid = series.values.map(function (v, i) { return partial[i] ? null : v; });
    var dashed = series.values.map(function (v, i) {
      if (partial[i]) { return v; }
      // The last complete point starts the dashed segment; it keeps its solid mark.
      return partial[i + 1] ? { value: v, symbol: 'none' } : null;
    });
    var percent = series.unit === '%';
    var axis = niceAxis(series.values.concat(lines.map(function (t) { return t.value; })),
      percent, decimals);
    var chart = window.echarts.init(node);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'axis',
        formatter: function (points) {
          var i = points[0].dataIndex;
          var value = series.values[i];
          var shown = value === null || value === undefined ? '—' : value.toFixed(decimals);
          var line = escape(series.labels[i]) + '<br>' + escape(series.name) + ' ' +
            escape(shown) + escape(series.unit || '') + '<br>' + escape(node.dataset.regions) +
            ' ' + (regions[i] || 0) + ' / ' + (series.expected || 0);
          return partial[i] ? line + '<br>' + escape(node.dataset.partial) : line;
        }
      },
      grid: { left: 56, right: 24, top: 24, bottom: 28 },
      xAxis: { type: 'category', data: series.labels },
      yAxis: {
        type: 'value',
        name: series.unit,
        min: axis.min,
        max: axis.max,
        interval: axis.step,
        axisLabel: { formatter: function (v) { return Number(v.toFixed(axis.places)); } }
      },
      series: [{
        name: series.name,
        type: 'line',
        data: solid,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 6,
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#c62828' },
          label: { formatter: '{b}', position: 'insideEndTop' },
          data: lines.map(function (t) { return { name: t.name, yAxis: t.value }; })
        }
      }, {
        name: series.name,
        type: 'line',
        data: dashed,
        connectNulls: false,
        symbol: 'emptyCircle',
        symbolSize: 8,
        lineStyle: { type: 'dashed' },
        tooltip: { show: false }
      }]
    });
    charts.push(chart);
  }

  function gradeChart(node, distribution) {
    var chart = window.echarts.init(node);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: 'category', data: distribution.grades.map(function (g) { return g.grade; }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        name: node.dataset.label,
        type: 'bar',
        data: distribution.grades.map(function (g) { return g.count; }),
        itemStyle: { color: '#b71c1c' },
        label: { show: true, position: 'top' }
      }]
    });
    charts.push(chart);
  }

  function drawCharts() {
    if (!window.echarts) { return; }
    var trends = payload('dashboard-trends') || [];
    document.querySelectorAll('[data-trend]').forEach(function (node) {
      var series = trends[Number(node.dataset.trend)];
      if (series) { trendChart(node, series); }
    });
    var grades = payload('dashboard-grades') || [];
    document.querySelectorAll('[data-grades]').forEach(function (node) {
      var distribution = grades[Number(node.dataset.grades)];
      if (distribution) { gradeChart(node, distribution); }
    });
    window.addEventListener('resize', function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  function watchRun() {
    var box = document.getElementById('run-progress');
    if (!box) { return; }
    var bar = box.querySelector('progress');
    var text = box.querySelector('.message');
    function poll() {
      fetch(box.dataset.url, { credentials: 'same-origin' })
        .then(function (response) { return response.json(); })
        .then(function (run) {
          bar.value = run.progress;
          text.textContent = run.status_display + ' · ' + run.message;
          if (run.status === 'running') { setTimeout(poll, 1500); } else { window.location.reload(); }
        });
    }
    poll();
  }

  drawCharts();
  watchRun();
})();

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

  function extent(values) {
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    if (!present.length) { return null; }
    return [Math.min.apply(null, present), Math.max.apply(null, present)];
  }

  var charts = [];

  function trendChart(node, series) {
    var lines = series.targets || [];
    var range = extent(series.values.concat(lines.map(function (t) { return t.value; })));
    var pad = range ? Math.max((range[1] - range[0]) * 0.1, Math.abs(range[1]) * 0.01, 0.5) : 1;
    var chart = window.echarts.init(node);
    var regions = series.regions || [];
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'axis',
        formatter: function (points) {
          var point = points[0];
          var value = point.value === null || point.value === undefined ? '—' : point.value;
          return escape(point.axisValue) + '<br>' + point.marker + escape(series.name) + ' ' +
            escape(value) + escape(series.unit || '') + '<br>' + escape(node.dataset.regions) +
            ' ' + (regions[point.dataIndex] || 0);
        }
      },
      grid: { left: 56, right: 24, top: 24, bottom: 28 },
      xAxis: { type: 'category', data: series.labels },
      yAxis: {
        type: 'value',
        name: series.unit,
        // Counts and rates never go below zero: keep the axis there too.
        min: range ? Math.floor(range[0] >= 0 ? Math.max(0, range[0] - pad) : range[0] - pad) : null,
        max: range ? Math.ceil(range[1] + pad) : null
      },
      series: [{
        name: series.name,
        type: 'line',
        data: series.values,
        connectNulls: false,
        symbolSize: 6,
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#c62828' },
          label: { formatter: '{b}', position: 'insideEndTop' },
          data: lines.map(function (t) { return { name: t.name, yAxis: t.value }; })
        }
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

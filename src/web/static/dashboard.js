// The live ops dashboard: figures follow the server-sent snapshots, and four charts show the
// last 30 minutes (the worker's history on load, then each snapshot appended). A file of its
// own so the Content-Security-Policy can forbid inline scripts. Figures, axes and legends
// speak the page's language: numbers and times go through Intl with the page's `lang`.
(function () {
  "use strict";

  var LANG = document.documentElement.lang || "fr-CA";
  var NUMBER = new Intl.NumberFormat(LANG, { maximumFractionDigits: 2 });

  function figure(value) {
    return typeof value === "number" ? NUMBER.format(value) : value;
  }

  var KEEP_MS = 30 * 60 * 1000;
  // Columns of a point, in the order of rush.dashboard_history.HistoryPoint.
  var AT = 0, WAITING = 1, SHOPPING = 2, ADMISSIONS = 3, HOLDS = 4, EXPIRIES = 5,
    PAYMENTS = 6, LAG = 7, LEFT = 8, COLUMNS = 9;

  function pick(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, obj);
  }

  function showFigures(s) {
    var status = document.getElementById("status");
    var labels = JSON.parse(status.dataset.labels || "{}");
    status.textContent = labels[s.queue.status] || s.queue.status;
    document.querySelectorAll("[data-k]").forEach(function (el) {
      var value = pick(s, el.dataset.k);
      el.textContent = value == null ? "—" : figure(value);
    });
    s.groups.forEach(function (g) {
      var row = document.querySelector('tr[data-group="' + g.group_id + '"]');
      if (!row) return;
      var cap = g.capacity || 1;
      row.querySelector(".paid").style.width = (100 * g.paid / cap) + "%";
      row.querySelector(".held").style.width = (100 * g.held / cap) + "%";
      row.querySelector('[data-g="counts"]').textContent =
        figure(g.paid) + " / " + figure(g.held) + " / " + figure(g.capacity);
      row.querySelector('[data-g="left"]').textContent = figure(g.places_left);
      row.querySelector('[data-g="waitlist"]').textContent = figure(g.waitlist);
    });
  }

  function pointOf(s) {
    var left = s.groups.reduce(function (sum, g) { return sum + g.places_left; }, 0);
    return [s.at_ms, s.queue.waiting, s.queue.shopping, s.queue.measured_rate_per_min,
      s.flow.holds_per_min, s.flow.expiries_per_min, s.flow.payments_last_minute,
      s.flow.finalize_lag_ms, left];
  }

  // The history as columns, as uPlot wants them; x in seconds.
  function Series(points) {
    this.cols = [];
    for (var c = 0; c < COLUMNS; c++) this.cols.push([]);
    points.forEach(this.append, this);
  }
  Series.prototype.append = function (point) {
    var at = this.cols[AT];
    if (at.length && point[AT] / 1000 <= at[at.length - 1]) return;
    for (var c = 0; c < COLUMNS; c++) this.cols[c].push(c === AT ? point[c] / 1000 : point[c]);
    var since = point[AT] / 1000 - KEEP_MS / 1000;
    while (at.length && at[0] < since) {
      for (c = 0; c < COLUMNS; c++) this.cols[c].shift();
    }
  };
  Series.prototype.data = function (columns) {
    var cols = this.cols;
    return [cols[AT]].concat(columns.map(function (c) { return cols[c]; }));
  };

  var COLOURS = ["#1d4ed8", "#f0b429", "#15803d", "#b91c1c", "#7c3aed"];

  // uPlot's own axis and legend dates are English; these follow the page's locale instead,
  // on the sale's wall clock (Quebec), whatever the watcher's computer is set to.
  function timeFormats(section) {
    var locale = section.dataset.locale || LANG, zone = section.dataset.timeZone;
    var hour = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone: zone });
    var full = new Intl.DateTimeFormat(locale, {
      day: "numeric", month: "long", hour: "numeric", minute: "2-digit", second: "2-digit", timeZone: zone
    });
    return {
      axis: function (u, splits) { return splits.map(function (s) { return hour.format(new Date(s * 1000)); }); },
      legend: function (u, v) { return v == null ? "—" : full.format(new Date(v * 1000)); }
    };
  }

  function numbersAxis(u, splits) { return splits.map(figure); }
  function numberValue(u, v) { return v == null ? "—" : figure(v); }

  function makeCharts(section, series) {
    var labels = JSON.parse(section.dataset.labels);
    var times = timeFormats(section);
    var specs = {
      people: [[WAITING, "waiting"], [SHOPPING, "shopping"]],
      rates: [[ADMISSIONS, "admissions"], [HOLDS, "holds"], [EXPIRIES, "expiries"], [PAYMENTS, "payments"]],
      lag: [[LAG, "lag"]],
      left: [[LEFT, "left"]]
    };
    var charts = [];
    section.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.dataset.chart, spec = specs[name];
      var opts = {
        title: labels[name],
        width: Math.max(el.clientWidth, 280),
        height: 180,
        series: [{ label: labels.time, value: times.legend }].concat(spec.map(function (s, n) {
          return { label: labels[s[1]], stroke: COLOURS[n], width: 2, value: numberValue };
        })),
        axes: [{ values: times.axis }, { size: 60, values: numbersAxis }],
        scales: { y: { range: function (u, min, max) { return [0, Math.max(max, 1)]; } } }
      };
      var columns = spec.map(function (s) { return s[0]; });
      var plot = new uPlot(opts, series.data(columns), el);
      charts.push({ el: el, plot: plot, columns: columns });
    });
    return charts;
  }

  function start() {
    var script = document.getElementById("dashboard-script");
    var section = document.getElementById("charts");
    var series = new Series(JSON.parse(section.dataset.history));
    var charts = typeof uPlot === "undefined" ? [] : makeCharts(section, series);
    function redraw() {
      charts.forEach(function (c) { c.plot.setData(series.data(c.columns)); });
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 280), height: 180 }); });
    });
    var source = new EventSource("/ops/sales/" + script.dataset.sale + "/stream");
    source.addEventListener("snapshot", function (event) {
      var s = JSON.parse(event.data);
      showFigures(s);
      series.append(pointOf(s));
      redraw();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

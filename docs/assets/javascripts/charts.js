/*
 * Draws every chart of a page with the vendored Vega runtime.
 *
 * A chart is <div class="suanli-chart" data-kind="stocks" data-csv="exhibit-1.csv">.
 * Its Vega spec is the template of its kind, compiled from Altair at build time
 * (assets/charts/<kind>.<light|dark>.json); its data is the exhibit's CSV, the
 * same file the reader can download. Specs never sit inline in the page: Material's
 * instant navigation re-runs inline scripts, so everything is drawn from
 * document$ (every page view, direct or instant) and redrawn when the palette
 * switches between light and dark.
 *
 * The pages' Content-Security-Policy forbids evaluating strings: Vega's expressions
 * run in its interpreter (vega-interpreter.min.js), and the CSV is parsed here
 * (Vega's own CSV reader compiles each row's shape with `new Function`).
 *
 * Each page visit fetches a chart's CSV once (a palette switch reuses it) and aborts
 * what is still loading when the reader moves on. A drawing superseded by a newer one
 * (palette switch, navigation) never touches the chart, not even when it fails.
 *
 * Vega (half a megabyte, and seconds of a slow phone's main thread) is not part of any
 * page: it is loaded on the first page whose first chart nears the viewport, and only
 * then. The charts near the viewport are drawn first, the rest one at a time after them,
 * so a reader who prints finds every chart drawn.
 */
(function () {
  "use strict";

  var PLACEHOLDER = "suanli:data";
  var TEMPLATE_BASE = new URL("../charts/", document.currentScript.src);
  var VENDOR = ["vega.min.js", "vega-interpreter.min.js"].map(function (name) {
    return new URL("../vendor/" + name, document.currentScript.src).href;
  });
  var NEAR = 300;  // px: how near the viewport a chart is when Vega starts loading (a third of a phone screen)
  var vegaLoaded = null;   // a promise, once the first chart has neared the viewport
  var watcher = null;      // the current page visit's IntersectionObserver
  var templates = new Map();  // template URL -> {drawing, promise}, for the whole session
  var csvs = new Map();       // CSV URL -> {drawing, promise}, for the current page visit
  var visit = new AbortController();  // the current page visit's: aborted when the reader moves on
  var views = [];
  var tooltip = null;
  var generation = 0;  // each drawAll supersedes the drawings still loading from an earlier one

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;  // async (the default here): compiled off the main thread as it downloads
      script.onload = resolve;
      script.onerror = function () { script.remove(); reject(new Error(src + ": not loaded")); };
      document.head.appendChild(script);
    });
  }

  // Vega, then its interpreter (which reads the global vega), once per session; a failed load is
  // tried again by the next page that asks.
  function loadVega() {
    if (!vegaLoaded) {
      vegaLoaded = loadScript(VENDOR[0]).then(function () { return loadScript(VENDOR[1]); }).then(function () {
        vega.timeFormatLocale({
          dateTime: "%x %A %X", date: "%Y年%-m月%-d日", time: "%H:%M:%S", periods: ["上午", "下午"],
          days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
          shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
          months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
          shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"]
        });
      });
      vegaLoaded.catch(function () { vegaLoaded = null; });
    }
    return vegaLoaded;
  }

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  function fetchText(url, signal) {
    return fetch(url, {signal: signal}).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.text();
    });
  }

  // One load per URL, shared by every drawing that asks while it is loading or once it has loaded.
  // A load that fails is forgotten; if it was started for an earlier (superseded or navigated-away)
  // drawing, the current drawing loads again rather than inherit that failure.
  function shared(cache, url, drawing, load) {
    var entry = cache.get(url);
    if (!entry) {
      entry = {drawing: drawing, promise: load()};
      cache.set(url, entry);
      entry.promise.catch(function () { if (cache.get(url) === entry) cache.delete(url); });
      return entry.promise;
    }
    return entry.promise.catch(function (error) {
      if (entry.drawing === drawing || drawing !== generation) throw error;
      return shared(cache, url, drawing, load);
    });
  }

  function template(kind, theme, drawing) {
    var url = new URL(kind + "." + theme + ".json", TEMPLATE_BASE).href;
    var signal = visit.signal;
    return shared(templates, url, drawing, function () { return fetchText(url, signal).then(JSON.parse); });
  }

  function csvText(url, drawing) {
    var signal = visit.signal;
    return shared(csvs, url, drawing, function () {
      return fetchText(url, signal).then(function (text) { return text.replace(/^\ufeff/, ""); });
    });
  }

  // RFC 4180 CSV: fields separated by commas, rows by CRLF or LF; a field in double quotes may hold
  // commas, line breaks and doubled quotes. Returns the rows as arrays of strings; blank lines are skipped.
  function csvRows(text) {
    var rows = [], row = [], field = "", quoted = false, fresh = true, i = 0, c;
    while (i < text.length) {
      c = text.charAt(i);
      i += 1;
      if (quoted) {
        if (c !== '"') field += c;
        else if (text.charAt(i) === '"') { field += '"'; i += 1; }
        else quoted = false;
      } else if (c === '"' && fresh) {
        quoted = true;
        fresh = false;
      } else if (c === ",") {
        row.push(field);
        field = "";
        fresh = true;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text.charAt(i) === "\n") i += 1;
        row.push(field);
        if (row.length > 1 || row[0] !== "") rows.push(row);
        row = [];
        field = "";
        fresh = true;
      } else {
        field += c;
        fresh = false;
      }
    }
    if (!fresh || field !== "" || row.length) {
      row.push(field);
      if (row.length > 1 || row[0] !== "") rows.push(row);
    }
    return rows;
  }

  // The records of a CSV, one object per row keyed by the header, values as text ("" where a row is
  // short): what Vega's CSV reader gives, without its `new Function`. Keys are defined, not assigned,
  // so a column named __proto__ is an ordinary key.
  function csvRecords(text) {
    var rows = csvRows(text), columns = rows.shift() || [];
    return rows.map(function (cells) {
      var record = {};
      columns.forEach(function (column, i) {
        Object.defineProperty(record, column, {value: i < cells.length ? cells[i] : "", enumerable: true,
                                               writable: true, configurable: true});
      });
      return record;
    });
  }

  // A tooltip built from text nodes only: data strings can never become markup.
  function showTooltip(handler, event, item, value) {
    if (!tooltip) {
      tooltip = document.createElement("div");
      tooltip.className = "suanli-tooltip";
      tooltip.setAttribute("role", "tooltip");
      document.body.appendChild(tooltip);
    }
    if (value == null || value === "") {
      tooltip.hidden = true;
      return;
    }
    tooltip.replaceChildren();
    var entries = typeof value === "object" ? Object.entries(value) : [["", value]];
    entries.forEach(function (entry) {
      var row = document.createElement("div");
      if (entry[0]) {
        var key = document.createElement("span");
        key.className = "key";
        key.textContent = entry[0];
        row.appendChild(key);
      }
      var val = document.createElement("span");
      val.className = "value";
      val.textContent = String(entry[1]);
      row.appendChild(val);
      tooltip.appendChild(row);
    });
    tooltip.hidden = false;
    var x = event.clientX + 14, y = event.clientY + 14;
    var box = tooltip.getBoundingClientRect();
    if (x + box.width > window.innerWidth) x = event.clientX - box.width - 14;
    if (y + box.height > window.innerHeight) y = event.clientY - box.height - 14;
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }

  // Series exhibits carry their data table (the chart's text alternative) as the same CSV the chart
  // draws: one row per date, one column per site, app or condition. Cells are text nodes only.
  var PIVOTS = {
    traffic: {keys: ["week_start", "week_end"], heads: ["周起", "周止"], column: "site", value: "visits",
              caption: "访问量（万次）"},
    downloads: {keys: ["month"], heads: ["月份"], column: "app", value: "downloads", partial: "partial",
                caption: "下载量（万次）；当月为非完全统计时标注"},
    gpu_prices: {keys: ["date"], heads: ["日期"], column: "condition", value: "price_usd", caption: "价格（美元）"}
  };

  function grouped(text) {  // 89012 -> 89,012, exactly as the page's other tables write numbers
    var m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
    return m ? m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "") : text;
  }

  function cell(tag, text, attrs) {
    var el = document.createElement(tag);
    el.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function buildTable(holder, csv) {
    var pivot = PIVOTS[holder.dataset.table];
    if (!pivot || holder.dataset.built) return;
    var rows = csvRecords(csv);
    var columns = [], byKey = new Map();
    rows.forEach(function (row) {
      var key = pivot.keys.map(function (k) { return row[k]; }).join("\u0000");
      if (!byKey.has(key)) byKey.set(key, {keys: pivot.keys.map(function (k) { return row[k]; }), values: {}, partial: false});
      var entry = byKey.get(key);
      if (columns.indexOf(row[pivot.column]) === -1) columns.push(row[pivot.column]);
      entry.values[row[pivot.column]] = grouped(row[pivot.value]);
      if (pivot.partial && row[pivot.partial] === "true") entry.partial = true;
    });
    var table = document.createElement("table");
    table.appendChild(cell("caption", pivot.caption));
    var head = table.createTHead().insertRow();
    pivot.heads.concat(columns, pivot.partial ? ["统计"] : []).forEach(function (h) {
      head.appendChild(cell("th", h, {scope: "col"}));
    });
    var body = table.createTBody();
    byKey.forEach(function (entry) {
      var tr = body.insertRow();
      entry.keys.forEach(function (k, i) { tr.appendChild(i === 0 ? cell("th", k, {scope: "row"}) : cell("td", k)); });
      columns.forEach(function (c) { tr.appendChild(cell("td", c in entry.values ? entry.values[c] : "—", {"class": "num"})); });
      if (pivot.partial) tr.appendChild(cell("td", entry.partial ? "非完全统计" : "完整月份"));
    });
    var wrap = document.createElement("div");
    wrap.className = "md-typeset__scrollwrap";  // as the site's own tables: a named region the keyboard scrolls
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", pivot.caption);
    wrap.tabIndex = 0;
    var inner = document.createElement("div");
    inner.className = "md-typeset__table";
    inner.appendChild(table);
    wrap.appendChild(inner);
    holder.replaceChildren(wrap);
    holder.dataset.built = "true";
  }

  // What a chart is drawn from: its kind's template in the current palette and its CSV text.
  function inputs(container, drawing) {
    var csvUrl = new URL(container.dataset.csv, document.baseURI).href;
    var loads = Promise.all([template(container.dataset.kind, scheme(), drawing), csvText(csvUrl, drawing)]);
    loads.catch(function () {});  // handled when the chart's turn comes
    return loads;
  }

  function failed(container, error) {
    container.textContent = "图表加载失败，请使用下方数据表或下载 CSV。";
    container.dataset.rendered = "error";
    console.error("suanli chart", container.dataset.csv, error);
  }

  function draw(container, drawing, loads) {
    var theme = scheme();
    return loads.then(function (loaded) {
      if (drawing !== generation || !container.isConnected) return;
      var figure = container.closest("figure");
      var holder = figure && figure.querySelector(".suanli-table[data-table]");
      if (holder) buildTable(holder, loaded[1]);
      var spec = JSON.parse(JSON.stringify(loaded[0]));
      spec.data.forEach(function (source) {
        if (source.url === PLACEHOLDER) {
          // parsed records (fresh for every drawing: Vega converts types in place), typed by the
          // template's own `parse`; "json" is Vega's format for values already read
          delete source.url;
          source.values = csvRecords(loaded[1]);
          source.format = Object.assign({}, source.format, {type: "json"});
        }
      });
      spec.description = container.getAttribute("aria-label") || "";
      container.replaceChildren();
      // Vega marks the drawing as a graphics-document named by spec.description; it is also described
      // by the chart's data table. The bindings (radio buttons) beside it stay reachable.
      var graphic = document.createElement("div");
      graphic.className = "suanli-graphic";
      if (container.hasAttribute("aria-describedby")) {
        graphic.setAttribute("aria-describedby", container.getAttribute("aria-describedby"));
      }
      var bindings = document.createElement("div");
      bindings.className = "suanli-bindings";
      container.appendChild(bindings);
      container.appendChild(graphic);
      var view = new vega.View(vega.parse(spec, null, {ast: true}), {
        expr: vega.expressionInterpreter, renderer: "svg", container: graphic, bind: bindings, hover: true,
        tooltip: showTooltip
      });
      views.push(view);
      var reserves = (spec.signals || []).some(function (signal) { return signal.name === "suanli_reserve"; });
      return view.runAsync().then(function () {
        // a faceted chart's axis labels come on top of its plot's width: narrow the plot by as much
        // as the drawing overflows its box, once (charts.py, _reserve_beside_facets)
        var svg = graphic.querySelector("svg");
        var over = svg ? parseFloat(svg.getAttribute("width")) - graphic.clientWidth : 0;
        if (reserves && over > 0.5 && drawing === generation) return view.signal("suanli_reserve", Math.ceil(over)).resize().runAsync();
      }).then(function () {
        if (drawing !== generation) return;
        container.dataset.theme = theme;
        container.dataset.rendered = "true";
      });
    }).catch(function (error) {
      // superseded (palette switch, navigation, an abort with it): the newer drawing owns the chart
      if (drawing !== generation || !container.isConnected || (error && error.name === "AbortError")) return;
      failed(container, error);
    });
  }

  function isNear(chart) {
    var box = chart.getBoundingClientRect();
    return box.bottom > -NEAR && box.top < window.innerHeight + NEAR;
  }

  // Every chart of the page, those near the viewport first, one at a time (each drawing is a long
  // task on a phone); their templates and CSVs are all requested at once.
  function drawAll() {
    var drawing = ++generation;
    views.forEach(function (view) { view.finalize(); });
    views = [];
    if (tooltip) tooltip.hidden = true;
    var charts = Array.prototype.slice.call(document.querySelectorAll(".suanli-chart"));
    charts.forEach(function (chart) {
      delete chart.dataset.rendered;
      delete chart.dataset.theme;
    });
    if (!vegaLoaded || !charts.length) return Promise.resolve();
    var near = charts.filter(isNear);
    var order = near.concat(charts.filter(function (chart) { return near.indexOf(chart) === -1; }));
    return loadVega().then(function () {
      if (drawing !== generation) return;
      var loads = order.map(function (chart) { return inputs(chart, drawing); });
      return order.reduce(function (previous, chart, i) {
        return previous.then(function () { return drawing === generation ? draw(chart, drawing, loads[i]) : null; })
          .then(nextTask);
      }, Promise.resolve());
    }, function (error) {
      if (drawing !== generation) return;
      charts.forEach(function (chart) { failed(chart, error); });
    });
  }

  function nextTask() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  // A new page (a direct load, or Material's instant navigation): what the last one still loads is
  // aborted, and its CSVs are forgotten. Vega is loaded when the first chart nears the viewport.
  function newVisit() {
    if (visit) visit.abort();
    visit = new AbortController();
    csvs = new Map();
    if (watcher) watcher.disconnect();
    watcher = null;
    var first = document.querySelector(".suanli-chart");
    if (!first) return drawAll();
    if (vegaLoaded) return drawAll();
    generation += 1;  // a drawing still under way from an earlier page is superseded
    watcher = new IntersectionObserver(function (entries, observer) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      observer.disconnect();
      if (watcher !== observer) return;
      watcher = null;
      loadVega();
      drawAll();
    }, {rootMargin: NEAR + "px 0px"});
    watcher.observe(first);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(newVisit);
  } else {
    document.addEventListener("DOMContentLoaded", newVisit);
  }
  new MutationObserver(function () { drawAll(); }).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });
})();

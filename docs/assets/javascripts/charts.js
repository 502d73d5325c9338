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
 */
(function () {
  "use strict";

  var PLACEHOLDER = "suanli:data";
  var TEMPLATE_BASE = new URL("../charts/", document.currentScript.src);
  var templates = {};
  var views = [];
  var tooltip = null;
  var generation = 0;  // each drawAll supersedes the drawings still loading from an earlier one

  vega.timeFormatLocale({
    dateTime: "%x %A %X", date: "%Y年%-m月%-d日", time: "%H:%M:%S", periods: ["上午", "下午"],
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"]
  });

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
  }

  function fetchText(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.text();
    });
  }

  function template(kind, theme) {
    var url = new URL(kind + "." + theme + ".json", TEMPLATE_BASE).href;
    if (!templates[url]) templates[url] = fetchText(url).then(JSON.parse);
    return templates[url];
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
    var rows = vega.read(csv, {type: "csv", parse: {}});
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
    wrap.className = "md-typeset__scrollwrap";
    var inner = document.createElement("div");
    inner.className = "md-typeset__table";
    inner.appendChild(table);
    wrap.appendChild(inner);
    holder.replaceChildren(wrap);
    holder.dataset.built = "true";
  }

  function draw(container, drawing) {
    var theme = scheme();
    var csvUrl = new URL(container.dataset.csv, document.baseURI).href;
    return Promise.all([template(container.dataset.kind, theme), fetchText(csvUrl)]).then(function (loaded) {
      if (drawing !== generation || !container.isConnected) return;
      var figure = container.closest("figure");
      var holder = figure && figure.querySelector(".suanli-table[data-table]");
      if (holder) buildTable(holder, loaded[1].replace(/^\ufeff/, ""));
      var spec = JSON.parse(JSON.stringify(loaded[0]));
      spec.data.forEach(function (source) {
        if (source.url === PLACEHOLDER) {
          delete source.url;
          source.values = loaded[1].replace(/^\ufeff/, "");
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
      var view = new vega.View(vega.parse(spec), {
        renderer: "svg", container: graphic, bind: bindings, hover: true, tooltip: showTooltip
      });
      views.push(view);
      return view.runAsync().then(function () {
        if (drawing !== generation) return;
        container.dataset.theme = theme;
        container.dataset.rendered = "true";
      });
    }).catch(function (error) {
      container.textContent = "图表加载失败，请使用下方数据表或下载 CSV。";
      container.dataset.rendered = "error";
      console.error("suanli chart", csvUrl, error);
    });
  }

  function drawAll() {
    var drawing = ++generation;
    views.forEach(function (view) { view.finalize(); });
    views = [];
    if (tooltip) tooltip.hidden = true;
    var charts = document.querySelectorAll(".suanli-chart");
    Array.prototype.forEach.call(charts, function (chart) {
      delete chart.dataset.rendered;
      delete chart.dataset.theme;
    });
    return Promise.all(Array.prototype.map.call(charts, function (chart) { return draw(chart, drawing); }));
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(drawAll);
  } else {
    document.addEventListener("DOMContentLoaded", drawAll);
  }
  new MutationObserver(function () { drawAll(); }).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });
})();

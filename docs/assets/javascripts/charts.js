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
 * page: it is loaded when a page's chart first nears the viewport, and only then. The
 * charts near the viewport are drawn first, the rest one at a time after them, so a
 * reader who has scrolled to a chart and prints finds every chart drawn.
 *
 * Once drawn, a chart can be saved as SVG or PNG (buttons beside its CSV download): the image is made
 * here from the drawn view, in the palette the reader sees, with the exhibit's title above and its
 * source below, so a chart pasted elsewhere keeps its attribution. Nothing leaves the page for it.
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
  // The current page visit's URL: a chart's CSV is relative to its own page. Instant navigation changes
  // the address before it swaps the page in, and a drawing of the old page may start in between.
  var visitBase = document.baseURI;
  var views = [];           // the current drawing's views, finalized when it is superseded
  var current = new WeakMap();   // chart container -> its view in the current drawing, once drawn
  var controls = new WeakMap();  // chart container -> its export buttons (kept across redraws)
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

  // A text cell that a spreadsheet would run as a formula is written with one more leading quote: quotes,
  // then =, +, -, @, a tab or a CR (render/csv_table.py, OWASP's advice for CSV files). Taking exactly that
  // quote off gives the text as written ('=x is =x, ''=x is '=x, 'x stays 'x): what charts and tables show.
  var GUARDED = /^'+[=+\-@\t\r]/;

  function unguarded(field) {
    return GUARDED.test(field) ? field.slice(1) : field;
  }

  // RFC 4180 CSV: fields separated by commas, rows by CRLF or LF; a field in double quotes may hold
  // commas, line breaks and doubled quotes. Returns the rows as arrays of strings (each unguarded); blank
  // lines are skipped.
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
        row.push(unguarded(field));
        field = "";
        fresh = true;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text.charAt(i) === "\n") i += 1;
        row.push(unguarded(field));
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
      row.push(unguarded(field));
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
    var csvUrl = new URL(container.dataset.csv, visitBase).href;
    var loads = Promise.all([template(container.dataset.kind, scheme(), drawing), csvText(csvUrl, drawing)]);
    loads.catch(function () {});  // handled when the chart's turn comes
    return loads;
  }

  function failed(container, error) {
    container.textContent = "图表加载失败，请使用下方数据表或下载 CSV。";
    container.dataset.rendered = "error";
    if (controls.has(container)) controls.get(container).hidden = true;  // nothing drawn to save
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
        current.set(container, view);
        exportControls(container);
        container.dataset.theme = theme;
        container.dataset.rendered = "true";
      });
    }).catch(function (error) {
      // superseded (palette switch, navigation, an abort with it): the newer drawing owns the chart
      if (drawing !== generation || !container.isConnected || (error && error.name === "AbortError")) return;
      failed(container, error);
    });
  }

  // ---- Export: a drawn chart as an image file ----------------------------------------------------

  var SVG_NS = "http://www.w3.org/2000/svg";
  // the note's name (main.html's meta): the attribution of a chart whose figure has no caption
  function site() {
    var tag = document.querySelector('meta[name="suanli:series"]');
    return tag ? tag.getAttribute("content") : document.title;
  }
  // the charts' own font (charts.py, theme_config), so the title and source match the chart's text
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  // What each chart shows where one figure draws two charts from one CSV (company_pages.py: a company's
  // 历次市值 and 历次本周涨跌幅, both from history.csv): it tells their buttons and file names apart.
  var SHOWS = {company_cap: "市值", company_week: "本周涨跌幅"};
  var TITLE = {size: 15, line: 22, weight: "bold"};
  var SOURCE = {size: 11, line: 16, weight: "normal"};
  var PAD = 12, INSET = 8, GAP = 8;  // px: above and below the image; text from the edges; around the chart

  function chartsOf(container) {
    var figure = container.closest("figure");
    return figure ? Array.prototype.slice.call(figure.querySelectorAll(".suanli-chart")) : [container];
  }

  // What sets a chart apart from the others of its figure ("" when it is alone in it).
  function shows(container) {
    var charts = chartsOf(container);
    if (charts.length < 2) return "";
    return SHOWS[container.dataset.kind] || "图" + (charts.indexOf(container) + 1);
  }

  // An image's file name is its exhibit's CSV download name (render/urls.py) with the extension swapped,
  // so the two files of an exhibit sort together: 算力周跟踪-2024-12-11-图表1.svg on an issue page,
  // cpu-gpu-本周涨跌幅中位数.svg on a sector page. A company page's two charts share NVDA.O-历次周报.csv,
  // so each adds what it shows: NVDA.O-历次周报-市值.svg and NVDA.O-历次周报-本周涨跌幅.svg.
  function imageName(container, extension) {
    var figure = container.closest("figure");
    var link = figure && figure.querySelector(".suanli-download a[download]");
    var base = link && link.getAttribute("download")
      ? link.getAttribute("download").replace(/\.csv$/i, "")
      : site() + "-" + (container.getAttribute("aria-label") || "图表").replace(/[\\/:*?"<>|\s]+/g, "-");
    var what = shows(container);
    return base + (what ? "-" + what : "") + "." + extension;
  }

  // The exhibit's source and note, one string per line of its caption (lines are <br>-separated); a
  // chart without a caption (company and sector pages) is attributed to the note and the page.
  function attribution(container) {
    var figure = container.closest("figure");
    var caption = figure && figure.querySelector(":scope > figcaption");
    if (!caption) return ["来源：" + site(), location.href.split("#")[0]];
    var lines = [""];
    caption.childNodes.forEach(function (node) {
      if (node.nodeName === "BR") lines.push("");
      else lines[lines.length - 1] += node.textContent;
    });
    return lines.map(function (line) { return line.replace(/\s+/g, " ").trim(); }).filter(Boolean);
  }

  // Any CSS colour the page computes (hex with alpha, hsla of Material's slate), made opaque over the
  // background as #rrggbb: what an SVG fill means in every program an image is pasted into.
  var probe = null;  // a canvas context, never drawn: it normalises colours and measures text
  function scratch() {
    if (!probe) probe = document.createElement("canvas").getContext("2d");
    return probe;
  }

  function rgba(colour) {
    scratch().fillStyle = "#000000";
    probe.fillStyle = colour;  // the canvas normalises it: "#rrggbb", or "rgba(r, g, b, a)" with alpha
    var hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(probe.fillStyle);
    if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 1];
    var parts = /rgba?\(([^)]*)\)/.exec(probe.fillStyle)[1].split(",").map(parseFloat);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }

  function opaque(colour, background) {
    var c = rgba(colour), b = rgba(background);
    return "#" + [0, 1, 2].map(function (i) {
      var v = Math.round(c[i] * c[3] + b[i] * (1 - c[3]));
      return (v < 16 ? "0" : "") + v.toString(16);
    }).join("");
  }

  // The palette the reader sees: the page's background (Material's --md-default-bg-color, on <body>)
  // and its text colours, the source as light as the figure's caption.
  function exportPalette() {
    var style = getComputedStyle(document.body);
    function variable(name, otherwise) { return style.getPropertyValue(name).trim() || otherwise; }
    var background = style.backgroundColor;
    if (rgba(background)[3] === 0) background = variable("--md-default-bg-color", "#ffffff");
    background = opaque(background, "#ffffff");
    return {
      background: background,
      title: opaque(variable("--md-default-fg-color", style.color), background),
      source: opaque(variable("--md-default-fg-color--light", style.color), background)
    };
  }

  function fontOf(text) { return text.weight + " " + text.size + "px " + FONT; }

  // Lines no wider than `width`: broken between Chinese characters, else at spaces, else anywhere
  // (a URL), as measured in the font they are drawn in.
  function wrap(line, text, width) {
    scratch().font = fontOf(text);
    var tokens = line.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+/g) || [];
    var lines = [], now = "";
    tokens.forEach(function (token) {
      if (probe.measureText(now + token).width <= width || !now.trim()) {
        now += token;
      } else {
        lines.push(now);
        now = token.replace(/^\s+/, "");
      }
      while (probe.measureText(now).width > width && now.length > 1) {  // one token wider than a line
        var cut = now.length - 1;
        while (cut > 1 && probe.measureText(now.slice(0, cut)).width > width) cut -= 1;
        lines.push(now.slice(0, cut));
        now = now.slice(cut);
      }
    });
    if (now.trim()) lines.push(now);
    return lines.map(function (l) { return l.trim(); });
  }

  // Where everything goes, in CSS px: the title's lines, the chart, the source's lines; each line with
  // its baseline. The image is exactly as wide as the chart drawn on the page.
  function layout(container, width, height) {
    var room = Math.max(width - 2 * INSET, 80), y = PAD, texts = [];
    function place(lines, text) {
      lines.forEach(function (line) {
        wrap(line, text, room).forEach(function (part) {
          texts.push({text: part, style: text, x: INSET, y: y + (text.line - text.size) / 2 + text.size * 0.86});
          y += text.line;
        });
      });
    }
    place([container.getAttribute("aria-label") || ""], TITLE);
    var chart = y + GAP;
    y = chart + height + GAP;
    place(attribution(container), SOURCE);
    return {width: width, height: Math.ceil(y + PAD), chart: chart, texts: texts};
  }

  // One standalone SVG: a background, the title, the chart as Vega writes it (a nested <svg>), the source.
  function svgImage(container, view) {
    return view.toSVG().then(function (markup) {
      var chart = new DOMParser().parseFromString(markup, "image/svg+xml").documentElement;
      var width = parseFloat(chart.getAttribute("width")), height = parseFloat(chart.getAttribute("height"));
      var at = layout(container, width, height), colours = exportPalette();
      var doc = document.implementation.createDocument(SVG_NS, "svg", null), root = doc.documentElement;
      function add(parent, tag, attrs) {
        var el = doc.createElementNS(SVG_NS, tag);
        Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
        return parent.appendChild(el);
      }
      root.setAttribute("width", at.width);
      root.setAttribute("height", at.height);
      root.setAttribute("viewBox", "0 0 " + at.width + " " + at.height);
      add(root, "title", {}).textContent = container.getAttribute("aria-label") || "";
      add(root, "rect", {width: "100%", height: "100%", fill: colours.background});
      at.texts.forEach(function (t) {
        add(root, "text", {x: t.x, y: t.y, "font-family": FONT, "font-size": t.style.size,
                           "font-weight": t.style.weight,
                           fill: t.style === TITLE ? colours.title : colours.source}).textContent = t.text;
      });
      chart.setAttribute("x", 0);
      chart.setAttribute("y", at.chart);
      root.appendChild(doc.importNode(chart, true));
      var text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc);
      return new Blob([text], {type: "image/svg+xml"});
    });
  }

  // The same at twice the size, from Vega's own canvas drawing of the chart (an SVG drawn into an <img>
  // would need blob: images, which the pages' policy does not allow).
  function pngImage(container, view) {
    return view.toCanvas(2).then(function (chart) {
      var at = layout(container, chart.width / 2, chart.height / 2), colours = exportPalette();
      var canvas = document.createElement("canvas");
      canvas.width = chart.width;
      canvas.height = Math.ceil(at.height * 2);
      var context = canvas.getContext("2d");
      context.scale(2, 2);
      context.fillStyle = colours.background;
      context.fillRect(0, 0, at.width, at.height);
      context.textBaseline = "alphabetic";
      at.texts.forEach(function (t) {
        context.font = fontOf(t.style);
        context.fillStyle = t.style === TITLE ? colours.title : colours.source;
        context.fillText(t.text, t.x, t.y);
      });
      context.drawImage(chart, 0, at.chart, chart.width / 2, chart.height / 2);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) { if (blob) resolve(blob); else reject(new Error("PNG not made")); }, "image/png");
      });
    });
  }

  // A download of a file made here: a link to it, clicked. The browser reads the blob after the click
  // returns, so the URL is let go of later (FileSaver.js waits 40 s).
  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 40000);
  }

  function exportChart(container, format) {
    var view = current.get(container);
    if (!view) return;  // being redrawn (the palette switched): the next press uses the new drawing
    (format === "svg" ? svgImage : pngImage)(container, view).then(function (blob) {
      save(blob, imageName(container, format));
    }).catch(function (error) { console.error("suanli export", container.dataset.csv, error); });
  }

  // The buttons of a drawn chart, beside its figure's CSV download and in the order of the figure's
  // charts; made once per page visit and kept when the chart is redrawn (they ask for its current view).
  function exportControls(container) {
    var group = controls.get(container);
    if (group) {
      group.hidden = false;
      return;
    }
    var label = container.getAttribute("aria-label") || "图表";
    var what = shows(container);
    group = document.createElement("span");
    group.className = "suanli-export";
    if (what) group.appendChild(cell("span", what + "：", {"class": "suanli-export-what"}));
    ["svg", "png"].forEach(function (format) {
      var name = "保存 " + format.toUpperCase();
      var button = cell("button", name, {type: "button", "class": "suanli-export-button",
                                         "aria-label": name + "：" + label});
      button.addEventListener("click", function () { exportChart(container, format); });
      group.appendChild(button);
    });
    var figure = container.closest("figure");
    var place = figure && figure.querySelector(".suanli-download");
    if (!place) {
      place = document.createElement("p");
      place.className = "suanli-download";
      container.after(place);
    }
    var charts = chartsOf(container);
    var next = charts.slice(charts.indexOf(container) + 1).map(function (c) { return controls.get(c); })
      .filter(function (g) { return g && g.parentNode === place; })[0];
    place.insertBefore(group, next || null);
    controls.set(container, group);
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
    current = new WeakMap();  // the export buttons wait for their chart's new view
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
    visitBase = document.baseURI;
    csvs = new Map();
    if (watcher) watcher.disconnect();
    watcher = null;
    var charts = document.querySelectorAll(".suanli-chart");
    if (!charts.length || vegaLoaded) return drawAll();
    generation += 1;  // a drawing still under way from an earlier page is superseded
    // Every chart is watched, not only the first: a reader may arrive at a later one (a search result,
    // a link to #exhibit-5) and never pass the first.
    watcher = new IntersectionObserver(function (entries, observer) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      observer.disconnect();
      if (watcher !== observer) return;
      watcher = null;
      start();
    }, {rootMargin: NEAR + "px 0px"});
    Array.prototype.forEach.call(charts, function (chart) { watcher.observe(chart); });
  }

  function start() {
    if (watcher) watcher.disconnect();
    watcher = null;
    loadVega();
    return drawAll();
  }

  // Printing lays the page out at once, with no time to load Vega: a chart the reader has not scrolled
  // to prints a note instead (suanli.css), and the drawing starts, so printing again includes it.
  window.addEventListener("beforeprint", function () {
    if (!vegaLoaded && document.querySelector(".suanli-chart")) start();
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(newVisit);
  } else {
    document.addEventListener("DOMContentLoaded", newVisit);
  }
  new MutationObserver(function () { drawAll(); }).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });
})();

/*
 * Filterable tables: the company index (/companies/) and the per-name record of
 * /track-record/. Filter by name, English name, ticker (with or without its suffix)
 * or alias, narrow by sector or segment, sort by any column; all in the page. Each
 * table is complete without JavaScript; the controls appear only here. The controls
 * name their table (data-for, else the company index) and the unit they count in;
 * a row's groups are its data-groups (a JSON list) or its data-sector.
 */
(function () {
  "use strict";

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll(".suanli-filter"), setUpTable);
  }

  function groupsOf(row) {
    return row.dataset.groups ? JSON.parse(row.dataset.groups) : [row.dataset.sector];
  }

  function setUpTable(controls) {
    var table = document.getElementById(controls.dataset.for || "company-index");
    if (!table || controls.dataset.ready) return;
    controls.dataset.ready = "true";
    var unit = controls.dataset.unit || "家";
    controls.hidden = false;
    var text = controls.querySelector(".suanli-filter-text");
    var sector = controls.querySelector(".suanli-filter-sector");
    var count = controls.querySelector(".suanli-filter-count");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var groups = rows.map(groupsOf);

    function filter() {
      var terms = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = sector.value;
      var shown = 0;
      rows.forEach(function (row, index) {
        var haystack = row.dataset.search;
        var match = (!wanted || groups[index].indexOf(wanted) !== -1) &&
          terms.every(function (term) { return haystack.indexOf(term) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = "显示 " + shown + " / " + rows.length + " " + unit;
    }

    function value(row, index, kind) {
      var raw = row.cells[index].dataset.value;
      if (kind !== "number") return raw || "";
      return raw === "" || raw === undefined ? null : parseFloat(raw);
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var kind = th.dataset.sort;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "suanli-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var sorted = rows.slice().sort(function (a, b) {
          var x = value(a, index, kind), y = value(b, index, kind);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;  // no figure: always last
          var order = kind === "number" ? x - y : x.localeCompare(y, "zh-CN");
          return ascending ? order : -order;
        });
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });

    text.addEventListener("input", filter);
    sector.addEventListener("change", filter);
    filter();
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();

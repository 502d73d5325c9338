/*
 * The printed page's footer (suanli.css, @page): the note's name and date, and where its legal text
 * is. Chromium's page-margin boxes read attributes of <html> only, and a page's <html> is the theme's,
 * so each page view (direct, or Material's instant navigation) copies them there: an issue says which
 * note it is (data-print-note on its particulars); any other page is named by its title.
 */
(function () {
  "use strict";

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute("content") : "";
  }

  function label() {
    var root = document.documentElement;
    var note = document.querySelector("[data-print-note]");
    root.setAttribute("data-print-note", note ? note.getAttribute("data-print-note") : document.title);
    root.setAttribute("data-print-legal", meta("suanli:legal"));  // absolute (main.html)
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(label);
  } else {
    document.addEventListener("DOMContentLoaded", label);
  }
})();

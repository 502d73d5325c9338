/*
 * 分享图 on an issue page: the button beside the share card's download link copies the card's absolute
 * address (resolved against the page, so it is the address the reader is on) and says so in the status
 * next to it. The button is hidden in the page and shown here, so a reader without JavaScript sees only
 * the link. No inline script or style: the pages' Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  function copyByCommand(text) {
    // where the Clipboard API is missing or refused (an insecure origin, an old browser)
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";  // the CSSOM, which the policy allows
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(field);
    return done;
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll(".suanli-share-copy"), function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "true";
      var status = button.parentNode.querySelector(".suanli-share-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        var url = new URL(button.dataset.href, location.href).href;
        function say(text) {
          if (status) status.textContent = text;
        }
        function fallback() {
          say(copyByCommand(url) ? "已复制：" + url : "请手动复制：" + url);
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(function () { say("已复制：" + url); }, fallback);
        } else {
          fallback();
        }
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();

// Joint review screens: focus after in-place updates, and lines between linked goals.
(function () {
  "use strict";

  function drawLinks() {
    document.querySelectorAll(".columns").forEach(function (columns) {
      var svg = columns.querySelector(".link-lines");
      if (!svg) return;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      if (getComputedStyle(svg).display === "none") return;
      var box = columns.getBoundingClientRect();
      var drawn = {};
      columns.querySelectorAll(".column-client [data-links]").forEach(function (from) {
        (from.getAttribute("data-links") || "").split(" ").forEach(function (id) {
          if (!id || drawn[from.id + id]) return;
          var to = document.getElementById("goal-" + id);
          if (!to || !columns.querySelector(".column-therapist").contains(to)) return;
          drawn[from.id + id] = true;
          var a = from.getBoundingClientRect();
          var b = to.getBoundingClientRect();
          var x1 = a.right - box.left, y1 = a.top + Math.min(a.height / 2, 40) - box.top;
          var x2 = b.left - box.left, y2 = b.top + Math.min(b.height / 2, 40) - box.top;
          var mid = (x1 + x2) / 2;
          var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
          path.setAttribute("d", "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2);
          svg.appendChild(path);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", drawLinks);

  // "Actions for C1" and "Work on …" load their forms in place (a plain link without script).
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".actions-slot > a");
    if (!link || !window.htmx) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.getAttribute("href"), { target: link.parentElement, swap: "innerHTML" });
  });
  window.addEventListener("resize", drawLinks);
  document.addEventListener("toggle", drawLinks, true);

  // A failed request (server error, connection lost) is said in words, never silently dropped.
  document.addEventListener("htmx:responseError", announceFailure);
  document.addEventListener("htmx:sendError", announceFailure);
  function announceFailure() {
    var flash = document.getElementById("flash");
    var board = document.getElementById("board");
    if (!flash || !board) return;
    flash.textContent = "";
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.textContent = board.getAttribute("data-error-text") || "Something went wrong.";
    flash.appendChild(alert);
    flash.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    drawLinks();
    var target = event.detail.target;
    var flash = document.getElementById("flash");
    if (target && target.id === "board" && flash && flash.textContent.trim() !== "") {
      flash.focus();
    } else if (target && target.classList.contains("actions-slot")) {
      var first = target.querySelector("summary, input:not([type=hidden]), select, textarea, button");
      if (first) first.focus();
    }
  });
})();

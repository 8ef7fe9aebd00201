// adloom review desk: keyboard on top of plain forms (everything also works without this file).
(function () {
  "use strict";
  var page = document.body.dataset.page;
  var submitted = false;

  function $(sel) { return document.querySelector(sel); }
  function submit(form) {
    if (!form || submitted) { return; }
    submitted = true;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  function go(link) { if (link) { window.location.href = link.getAttribute("href"); } }
  function toggleHelp(show) {
    var help = $("#help");
    if (help) { help.hidden = show === undefined ? !help.hidden : !show; }
  }
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }

  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  var selected = rows.length ? 0 : -1;
  function select(i) {
    if (!rows.length) { return; }
    if (selected >= 0) { rows[selected].classList.remove("selected"); }
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows[selected].classList.add("selected");
    rows[selected].scrollIntoView({block: "nearest"});
  }
  if (rows.length) { select(0); }
  rows.forEach(function (row, i) {
    row.addEventListener("click", function (ev) {
      if (ev.target.tagName !== "A") { select(i); window.location.href = row.dataset.href; }
    });
  });

  var editToggle = $("#edit-toggle");
  function openEdit() {
    var form = $("#edit-form");
    if (!form) { return; }
    form.hidden = false;
    var first = form.querySelector("textarea");
    if (first) { first.focus(); }
  }
  if (editToggle) { editToggle.addEventListener("click", openEdit); }

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { toggleHelp(false); if (typing(ev.target)) { ev.target.blur(); } return; }
    if (typing(ev.target)) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.form) {
        ev.preventDefault(); submit(ev.target.form);
      }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "?") { toggleHelp(); ev.preventDefault(); return; }
    if (page === "queue") {
      if (ev.key === "j") { select(selected + 1); }
      else if (ev.key === "k") { select(selected - 1); }
      else if ((ev.key === "o" || ev.key === "Enter") && selected >= 0) { window.location.href = rows[selected].dataset.href; }
      else { return; }
      ev.preventDefault();
    } else if (page === "item") {
      if (ev.key === "j") { go($("#next")); }
      else if (ev.key === "k") { go($("#prev")); }
      else if (ev.key === "a") { submit($("#approve-form")); }
      else if (ev.key === "x") { submit($("#escalate-form")); }
      else if (ev.key === "r") { var r = $("#reject-rationale"); if (r) { r.focus(); } }
      else if (ev.key === "e") { openEdit(); }
      else { return; }
      ev.preventDefault();
    }
  });
})();

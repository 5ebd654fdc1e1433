"use strict";
// The report's only script. It carries no document data: everything it shows is read from the
// page (data- attributes and the hidden term notes), and written back with textContent.
(function () {
  var card = document.getElementById("card");
  var body = card.querySelector(".card-body");
  var occ = card.querySelector(".card-occ");
  var pinned = null;

  function line(label, value) {
    var p = document.createElement("p");
    var b = document.createElement("b");
    b.textContent = label;
    p.append(b, " ", value);
    occ.append(p);
  }

  function fill(mark) {
    var info = document.getElementById("t" + mark.dataset.t);
    body.replaceChildren();
    if (info) {
      var copy = info.cloneNode(true);
      copy.removeAttribute("id");
      body.append(copy);
    }
    occ.replaceChildren();
    line("In this text:", "\u201c" + mark.textContent + "\u201d");
    if (mark.dataset.p) line("House style writes:", mark.dataset.p);
    line("Quoted:", mark.dataset.q ? "yes (" + mark.dataset.q + ")" : "no \u2014 in the text\u2019s own voice");
    if (mark.dataset.c) line("Ambiguous between:", mark.dataset.c);
    if (mark.dataset.m) line("Match:", mark.dataset.m);
  }

  function place(mark) {
    var r = mark.getBoundingClientRect();
    var view = document.documentElement;
    var left = Math.max(8, Math.min(r.left, view.clientWidth - card.offsetWidth - 8));
    var below = view.clientHeight - r.bottom > card.offsetHeight + 16 || r.top < card.offsetHeight + 16;
    var top = below ? r.bottom + 8 : r.top - card.offsetHeight - 8;
    card.style.left = window.scrollX + left + "px";
    card.style.top = window.scrollY + top + "px";
  }

  function show(mark, pin) {
    fill(mark);
    card.hidden = false;
    card.classList.toggle("pinned", pin);
    place(mark);
    if (pin) {
      if (pinned) pinned.classList.remove("active");
      pinned = mark;
      mark.classList.add("active");
    }
  }

  function hide() {
    card.hidden = true;
    if (pinned) pinned.classList.remove("active");
    pinned = null;
  }

  function markOf(target) {
    var m = target && target.closest ? target.closest("mark.a") : null;
    return m && !m.classList.contains("off") ? m : null;
  }

  document.addEventListener("click", function (e) {
    var m = markOf(e.target);
    if (m) {
      if (pinned === m) hide();
      else show(m, true);
    } else if (!card.contains(e.target)) {
      hide();
    }
  });
  document.addEventListener("mouseover", function (e) {
    var m = markOf(e.target);
    if (m && !pinned) show(m, false);
  });
  document.addEventListener("mouseout", function (e) {
    var m = markOf(e.target);
    if (m && !pinned && !card.contains(e.relatedTarget)) card.hidden = true;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") hide();
    var m = markOf(e.target);
    if (m && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      show(m, true);
    }
  });
  card.querySelector(".close").addEventListener("click", hide);

  var entrySel = document.getElementById("f-entry");
  var kindSel = document.getElementById("f-kind");
  var count = document.getElementById("f-count");
  var docs = Array.prototype.slice.call(document.querySelectorAll("details.doc"));

  function wanted(m, entry, kind) {
    if (entry && m.dataset.e !== entry) return false;
    var loaded = m.classList.contains("loaded");
    var quoted = m.classList.contains("q");
    if (kind === "loaded") return loaded;
    if (kind === "quoted") return quoted;
    if (kind === "own") return !quoted;
    if (kind === "loaded-own") return loaded && !quoted;
    return true;
  }

  function applyFilters() {
    var entry = entrySel.value;
    var kind = kindSel.value;
    var active = Boolean(entry || kind);
    var shown = 0;
    var hits = 0;
    hide();
    docs.forEach(function (doc) {
      var any = false;
      doc.querySelectorAll("mark.a").forEach(function (m) {
        var ok = wanted(m, entry, kind);
        m.classList.toggle("off", !ok);
        if (ok) {
          any = true;
          hits += 1;
        }
      });
      doc.hidden = active && !any;
      if (active && any) doc.open = true;
      if (!doc.hidden) shown += 1;
    });
    count.textContent = active
      ? shown + " of " + docs.length + " documents, " + hits + " matching terms"
      : docs.length + " documents";
  }

  entrySel.addEventListener("change", applyFilters);
  kindSel.addEventListener("change", applyFilters);
  document.getElementById("f-reset").addEventListener("click", function () {
    entrySel.value = "";
    kindSel.value = "";
    applyFilters();
  });
  document.getElementById("f-open").addEventListener("click", function () {
    var open = docs.some(function (d) { return !d.open && !d.hidden; });
    docs.forEach(function (d) { if (!d.hidden) d.open = open; });
  });
  document.querySelectorAll("button[data-pick]").forEach(function (b) {
    b.addEventListener("click", function () {
      entrySel.value = b.dataset.pick;
      applyFilters();
      document.getElementById("documents").scrollIntoView();
    });
  });
  applyFilters();
})();

/* The triage queue by keyboard (listed on the page, templates/team/_triage_table.html):
   j / k: next or previous patient; o: open the alert; t: take it (or acknowledge).
   Keys are ignored while typing in a box or with a modifier held. The chosen row survives
   the queue's refresh every 30 s (htmx): it is found again by its concern. */
(function () {
  "use strict";

  let chosen = null; // the concern id of the chosen row

  function rows() {
    return Array.from(document.querySelectorAll("table.queue tbody tr[data-concern]"));
  }

  function mark(row) {
    rows().forEach((r) => r.classList.toggle("keyed", r === row));
    if (!row) return;
    chosen = row.dataset.concern;
    const name = row.querySelector("td:nth-child(2) a");
    if (name) name.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function current() {
    return rows().find((r) => r.dataset.concern === chosen) || null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const all = rows();
    if (!all.length) return;
    const row = current();
    const at = row ? all.indexOf(row) : -1;
    if (event.key === "j") mark(all[Math.min(at + 1, all.length - 1)]);
    else if (event.key === "k") mark(all[Math.max(at - 1, 0)]);
    else if (event.key === "o" && row) row.querySelector("[data-key=open]").click();
    else if (event.key === "t" && row && row.querySelector("[data-key=take]")) {
      row.querySelector("[data-key=take]").click();
    } else return;
    event.preventDefault();
  });

  // After a refresh, the same patient stays chosen.
  document.addEventListener("htmx:afterSwap", () => {
    const row = current();
    if (row) row.classList.add("keyed");
  });
})();

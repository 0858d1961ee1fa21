/* The diary form's small helps, in the page's words (templates/symptoms/today.html):
   the note's counter says how much room is left, and says so plainly past the limit;
   nothing typed is ever cut (the server refuses a longer note with a message). */
(function () {
  "use strict";

  const note = document.querySelector(".note-field textarea[data-limit]");
  const counter = document.getElementById("note-count");
  if (!note || !counter) return;
  const limit = Number(note.dataset.limit);
  let shown = "";

  // Characters as the server counts them: what is sent, without the spaces at either end,
  // each line break as two (the browser sends "\r\n"), an emoji as one.
  function characters(text) {
    return Array.from(text.trim().replace(/\r?\n/g, "\r\n")).length;
  }

  function update() {
    const n = characters(note.value);
    const over = n > limit;
    const text = (over ? counter.dataset.over : counter.dataset.words).replace("{n}", String(n));
    // Said to a screen reader only when it changes in a way that matters: past the limit,
    // or every 100 characters (aria-live on each keystroke would drown the typing).
    const bucket = over ? "over" : String(Math.floor(n / 100));
    counter.setAttribute("aria-live", bucket !== shown ? "polite" : "off");
    counter.textContent = text;
    counter.classList.toggle("text-danger", over);
    shown = bucket;
  }

  note.addEventListener("input", update);
  update();
})();

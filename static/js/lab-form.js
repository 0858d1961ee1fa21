// The blood result form on the team's patient page (templates/team/labs/_panel.html):
// offer only the chosen test's units, and the value fields or positive/negative as the
// test needs. Fields that do not apply are disabled, so they are not sent; without this
// script every field shows and the server says which do not apply. Saving twice in a row
// is what the disabled button prevents (a result saved twice can be withdrawn).
(function () {
  "use strict";
  var form = document.querySelector("form.lab-form");
  var data = document.getElementById("lab-units");
  if (!form || !data) return;
  var unitsOf = JSON.parse(data.textContent);
  var test = form.querySelector("select[name=test]");
  var unit = form.querySelector("select[name=unit]");

  function show(selector, on) {
    form.querySelectorAll(selector).forEach(function (box) {
      box.hidden = !on;
      box.querySelectorAll("input, select").forEach(function (field) {
        field.disabled = !on;
      });
    });
  }

  function update() {
    var units = unitsOf[test.value];
    var chosen = Boolean(test.value);
    var quantity = chosen && units && units.length > 0;
    show(".lab-quantity", !chosen || quantity);
    show(".lab-presence", !chosen || !quantity);
    if (!quantity) return;
    Array.prototype.forEach.call(unit.options, function (option) {
      var fits = option.value === "" || units.indexOf(option.value) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    if (units.indexOf(unit.value) === -1) {
      unit.value = units.length === 1 ? units[0] : "";
    }
  }

  test.addEventListener("change", update);
  update();
  // A double tap records one result: the button waits for the page that answers.
  var button = form.querySelector("button");
  form.addEventListener("submit", function () {
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
  // Back to this page from the browser's history: the button works again.
  window.addEventListener("pageshow", function () { button.disabled = false; });
})();

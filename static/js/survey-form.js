/* Survey form: ask a question only when its skip rule says so ("if 就业 then ask 单位性质").
   Hidden questions are disabled, so they are not sent; the server applies the same rule. */
(function () {
  "use strict";
  var form = document.querySelector("form.survey-form");
  if (!form) {
    return;
  }

  function answersOf(key) {
    var block = form.querySelector('[data-key="' + key + '"]');
    if (!block || block.hidden) {
      return [];
    }
    var values = [];
    block.querySelectorAll("input:checked, select").forEach(function (input) {
      if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    // In page order, so a question that depends on a hidden one is hidden too.
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-values").split(" ");
      var asked = answersOf(block.getAttribute("data-show-if")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      block.hidden = !asked;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !asked;
      });
    });
  }

  form.addEventListener("change", update);
  update();

  var summary = document.getElementById("survey-errors");
  if (summary) {
    summary.focus();
  }
})();

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

  function renumber() {
    // Questions are numbered as the student sees them, skipping the ones not asked.
    var numbers = {};
    var number = 0;
    form.querySelectorAll("[data-key]").forEach(function (block) {
      if (!block.hidden) {
        number += 1;
        numbers[block.getAttribute("data-key")] = number;
        block.querySelector(".survey-number").textContent = number + ".";
      }
    });
    document.querySelectorAll("[data-number-of]").forEach(function (span) {
      var found = numbers[span.getAttribute("data-number-of")];
      if (found) {
        span.textContent = found;
      }
    });
  }

  form.classList.add("js-skip-rules");
  form.addEventListener("change", function () {
    update();
    renumber();
  });
  update();
  renumber();

  var summary = document.getElementById("survey-errors");
  if (summary) {
    summary.focus();
  }
})();

/* Help centre admin: render the Markdown being edited, as the site would, without saving.
   Buttons carry data-markdown-preview (endpoint), data-source (textarea id), data-target
   (preview box id) and data-error (message). The endpoint returns HTML already sanitised on the
   server, so it can be inserted as is. */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function preview(button) {
    var source = document.getElementById(button.dataset.source);
    var target = document.getElementById(button.dataset.target);
    if (!source || !target) {
      return;
    }
    var body = new FormData();
    body.append("text", source.value);
    button.disabled = true;
    fetch(button.dataset.markdownPreview, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        target.innerHTML = data.html;
      })
      .catch(function () {
        target.textContent = button.dataset.error;
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-markdown-preview]").forEach(function (button) {
      button.addEventListener("click", function () {
        preview(button);
      });
    });
  });
})();

// 批量上传学历照片: show how far the upload has got, then that the photos are being checked.
// Without this script the form still works; it only adds the progress display.
(function () {
  "use strict";

  function attach() {
    var form = document.querySelector("form[data-progress]");
    if (!form || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }
    var box = document.getElementById(form.getAttribute("data-progress"));
    var bar = box.querySelector("progress");
    var status = box.querySelector(".photo-batch-status");
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files.length) { return; }  // let the server say what is missing
      event.preventDefault();
      var submit = form.querySelector("input[type=submit]");
      submit.disabled = true;
      box.hidden = false;
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        status.textContent = status.getAttribute("data-uploading") + percent + "%";
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  // indeterminate while the server checks each photo
        status.textContent = status.getAttribute("data-checking");
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL !== window.location.href) {
          window.location.assign(request.responseURL);  // the dry run's result page
          return;
        }
        // The form again, with the server's errors: show its content and listen again.
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var content = page.getElementById("content");
        if (content) {
          document.getElementById("content").replaceWith(document.adoptNode(content));
          attach();
        }
      });
      request.addEventListener("error", function () {
        submit.disabled = false;
        status.textContent = status.getAttribute("data-failed");
      });
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", attach);
})();

// 执法工作台: upload progress for the evidence form. The form works without this script;
// with it, the file is sent by XMLHttpRequest so that a progress bar can show how much has
// gone. The same form fields, the same CSRF token, the same answer: on success the server
// redirects to the case page, which the browser then loads; a refusal page replaces this one.
(function () {
  "use strict";
  var form = document.getElementById("evidence-upload");
  var bar = document.getElementById("evidence-progress");
  var words = document.getElementById("evidence-progress-text");
  if (!form || !bar || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    bar.hidden = false;
    bar.value = 0;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        if (words) {
          words.textContent = "已上传 " + Math.floor((e.loaded * 100) / e.total) + "%";
        }
      }
    });
    request.addEventListener("load", function () {
      if (request.status < 400 && request.responseURL) {
        window.location.assign(request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", function () {
      if (words) {
        words.textContent = "上传中断，请重试。";
      }
      if (button) {
        button.disabled = false;
      }
    });
    request.send(new FormData(form));
  });
})();

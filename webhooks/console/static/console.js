// Holdless console: small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // The language list applies itself on change; its button stays for keyboards and no-JS.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) {
        select.form.requestSubmit();
      }
    });
  });
  // A form sent once cannot be sent twice by an impatient second click.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
      });
    });
  });
});

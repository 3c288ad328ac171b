/* Moved out of an inline <script> so the Content-Security-Policy can forbid inline script (issue 16 §5). */
/* form[data-zj-once]: the first submit disables the buttons and a second tap is ignored (the
   form's idempotency key covers a retry that still gets through). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-zj-once]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.zjSent) { e.preventDefault(); return; }
      if (form.dataset.zjConfirm && !window.confirm(form.dataset.zjConfirm)) { e.preventDefault(); return; }
      form.dataset.zjSent = "1";
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          b.disabled = true;
          if (b.dataset.sending) { b.textContent = b.dataset.sending; }
        });
      }, 0);
    });
  });
})();

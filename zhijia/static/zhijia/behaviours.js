/* Small page behaviours as data attributes, because the Content-Security-Policy forbids inline
   script and event-handler attributes (issue 16 §5). Loaded by base.html on every page.
   - select[data-zj-autosubmit]: changing it submits its form (the language menu).
   - form[data-confirm]: asks window.confirm(data-confirm) before submitting.
   - [data-zj-print]: prints the page.
   - [data-zj-back]: goes back one page. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-zj-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form && form.dataset && form.dataset.confirm && !form.hasAttribute("data-zj-once")) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-zj-print], [data-zj-back]") : null;
    if (!el) return;
    e.preventDefault();
    if (el.hasAttribute("data-zj-print")) window.print();
    else window.history.back();
  });
})();

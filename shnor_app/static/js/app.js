/* ШНОР: the little behaviour htmx does not give by itself. No inline scripts (CSP). */
document.documentElement.classList.add("js");

(function () {
  "use strict";

  // The main menu on a phone: «Меню» opens and closes it; a group's list closes when another
  // opens or the user clicks elsewhere.
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest(".menu-button");
    if (btn) {
      var header = btn.closest(".site-header");
      var open = !header.classList.contains("nav-open");
      header.classList.toggle("nav-open", open);
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    document.querySelectorAll(".nav-group details[open]").forEach(function (d) {
      if (!d.contains(evt.target)) { d.removeAttribute("open"); }
    });
  });

  // Wide tables scroll inside their own region (reachable by keyboard), and the cells of form
  // rows carry their column's heading for the stacked layout of narrow screens.
  function arrangeTables(root) {
    root.querySelectorAll("table.data").forEach(function (table) {
      if (!table.parentElement.classList.contains("table-wrap")) {
        var wrap = document.createElement("div");
        wrap.className = "table-wrap";
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        var caption = table.querySelector("caption");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Таблица");
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (table.classList.contains("form-rows")) {
        var heads = Array.prototype.map.call(table.querySelectorAll("thead th"),
                                             function (th) { return th.textContent.trim(); });
        table.querySelectorAll("tbody tr").forEach(function (tr) {
          Array.prototype.forEach.call(tr.children, function (td, i) {
            if (heads[i] && !td.hasAttribute("data-label")) { td.setAttribute("data-label", heads[i]); }
          });
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { arrangeTables(document); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    var root = evt.detail.elt;
    arrangeTables(root && root.closest ? (root.closest("table") || root).parentElement || document : document);
  });

  function toast(html, kind) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "flash flash-" + (kind || "info");
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    el.innerHTML = html;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Закрыть сообщение");
    close.textContent = "×";
    close.addEventListener("click", function () { el.remove(); });
    el.appendChild(close);
    box.appendChild(el);
    if (kind !== "error") { setTimeout(function () { el.remove(); }, 6000); }
  }

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var text = xhr.responseText || "";
    if (text.indexOf('class="flash') !== -1) {
      toast(text.replace(/^\s*<div[^>]*>/, "").replace(/<\/div>\s*$/, ""), "error");
    } else if (xhr.status === 0) {
      toast("Нет связи с сервером. Проверьте сеть и повторите действие.", "error");
    } else {
      toast("Действие не выполнено (код " + xhr.status + "). Обновите страницу и повторите.", "error");
    }
  });

  document.addEventListener("htmx:sendError", function () {
    toast("Нет связи с сервером. Проверьте сеть и повторите действие.", "error");
  });

  // Server-sent notices: HX-Trigger: {"notice": {"text": "…", "kind": "success"}}
  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("notice", function (evt) {
      var d = evt.detail || {};
      var span = document.createElement("span");
      span.textContent = d.text || "";
      toast(span.innerHTML, d.kind || "success");
    });
  });

  // Keep keyboard focus sensible after a swap: an edit form gets focus on its first field,
  // a row that replaced a form gets focus on its first button or link.
  document.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail.elt;
    if (!target || !target.querySelector) { return; }
    var auto = target.querySelector("[autofocus]");
    if (auto) { auto.focus(); return; }
    if (target.matches && target.matches("tr[data-focus-after-swap]")) {
      var first = target.querySelector("button, a, input, select, textarea");
      if (first) { first.focus(); }
    }
  });

  // Buttons that open a <dialog>: data-open-dialog="id"; forms inside close it.
  document.addEventListener("click", function (evt) {
    var opener = evt.target.closest("[data-open-dialog]");
    if (opener) {
      var dlg = document.getElementById(opener.getAttribute("data-open-dialog"));
      if (dlg && dlg.showModal) { dlg.showModal(); }
    }
    var closer = evt.target.closest("[data-close-dialog]");
    if (closer) {
      var d = closer.closest("dialog");
      if (d) { d.close(); }
    }
  });

  // A confirmation before destructive plain forms: data-confirm="Текст".
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { evt.preventDefault(); }
  });
})();

/* A "cancel" button on a new, unsaved table row removes the row. */
document.addEventListener("click", function (evt) {
  var btn = evt.target.closest("[data-remove-row]");
  if (btn) { var tr = btn.closest("tr"); if (tr) { tr.remove(); } }
});

/* --- interviews: «Отмена» on a new, unsaved block removes it (data-remove-closest="article"). */
document.addEventListener("click", function (evt) {
  var btn = evt.target.closest("[data-remove-closest]");
  if (btn) { var el = btn.closest(btn.getAttribute("data-remove-closest")); if (el) { el.remove(); } }
});

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
  function tableName(table) {
    var caption = table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var label = table.getAttribute("aria-label");
    if (label) { return label; }
    var section = table.closest("section, .card");
    var heading = section && section.querySelector("h2, h3");
    return heading ? "Таблица: " + heading.textContent.trim() : "Таблица";
  }
  function arrangeTables(root) {
    root.querySelectorAll("table.data").forEach(function (table) {
      var wrap = table.parentElement;
      if (!wrap.classList.contains("table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (!wrap.hasAttribute("role")) {  // a wrapper written in the template gets the same
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", tableName(table));
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
  // Dates in the Russian form: a date input shows and takes «27.02.2023» (the browser's own
  // date input shows its locale's format, «12/06/2026»); the server accepts both forms.
  function russianDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "." + m[2] + "." + m[1] : (iso || "");
  }
  function russianDates(root) {
    root.querySelectorAll('input[type="date"]').forEach(function (inp) {
      var value = inp.value || inp.getAttribute("value") || "";
      inp.type = "text";
      inp.setAttribute("data-ru-date", "");
      inp.setAttribute("inputmode", "numeric");
      inp.setAttribute("autocomplete", "off");
      inp.setAttribute("maxlength", "10");
      if (!inp.getAttribute("placeholder")) { inp.setAttribute("placeholder", "ДД.ММ.ГГГГ"); }
      if (!inp.title) { inp.title = "Дата в виде ДД.ММ.ГГГГ, например 27.02.2023"; }
      inp.removeAttribute("min");
      inp.removeAttribute("max");
      inp.value = russianDate(value);
    });
  }
  // Counters and empty-state texts follow in-place changes (a row added, saved or deleted
  // without reloading the page): data-count-of="<selector>" shows how many elements of the page
  // match the selector (data-count-forms="штука|штуки|штук" adds the word in the right form);
  // data-empty-of="<selector>" is shown only while none match, data-any-of="<selector>" only
  // while some do. Recounted after every swap.
  function plural(n, forms) {
    var f = forms.split("|"), n10 = n % 10, n100 = n % 100;
    if (n10 === 1 && n100 !== 11) { return f[0]; }
    if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) { return f[1]; }
    return f[2];
  }
  function recount() {
    document.querySelectorAll("[data-count-of]").forEach(function (el) {
      var n = document.querySelectorAll(el.getAttribute("data-count-of")).length;
      var forms = el.getAttribute("data-count-forms");
      el.textContent = forms ? n + " " + plural(n, forms) : String(n);
    });
    document.querySelectorAll("[data-empty-of]").forEach(function (el) {
      el.hidden = document.querySelectorAll(el.getAttribute("data-empty-of")).length > 0;
    });
    document.querySelectorAll("[data-any-of]").forEach(function (el) {
      el.hidden = document.querySelectorAll(el.getAttribute("data-any-of")).length === 0;
    });
  }
  function arrange(root) { arrangeTables(root); russianDates(root); }
  document.addEventListener("DOMContentLoaded", function () { arrange(document); recount(); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    var root = evt.detail.elt;
    arrange(root && root.closest ? (root.closest("table") || root).parentElement || document : document);
    recount();
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

  // Keep keyboard focus sensible after a swap: a form sent back with errors gets focus on the
  // first field in error, an edit form on its first field, a row that replaced a form on its
  // first button or link. A page sent back with errors puts the cursor in the first field in error.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("main [aria-invalid='true']");
    if (bad && bad.focus) { bad.focus(); }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail.elt;
    if (!target || !target.querySelector) { return; }
    var bad = target.querySelector("[aria-invalid='true']");
    if (bad) { bad.focus(); return; }
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

/* A form marked data-draft (the visit typed in a school, often on a phone) keeps what is typed
   in this browser until the server has saved it: a dropped connection or a closed tab loses
   nothing. Sending without a connection is stopped with a clear message; the draft is offered
   back when the form is opened again, and forgotten once a save went through. */
(function () {
  "use strict";
  var PREFIX = "shnor-draft:";
  var PENDING = "shnor-draft-pending";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function keyOf(form) { return PREFIX + window.location.pathname; }
  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || el.type === "submit" ||
          el.type === "button" || el.type === "hidden") { return; }
      if ((el.type === "checkbox" || el.type === "radio")) { if (el.checked) { data[el.name] = el.value; } return; }
      data[el.name] = el.value;
    });
    return data;
  }
  function notice(form, text, withDiscard) {
    var box = document.createElement("div");
    box.className = "flash flash-warning draft-notice";
    box.setAttribute("role", "status");
    box.textContent = text;
    if (withDiscard) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn btn-small";
      btn.textContent = "Забыть черновик";
      btn.addEventListener("click", function () {
        var s = store(); if (s) { s.removeItem(keyOf(form)); }
        window.location.reload();
      });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(btn);
    }
    form.parentNode.insertBefore(box, form);
    return box;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var s = store();
    if (!s) { return; }
    var pending = s.getItem(PENDING);
    var form = document.querySelector("form[data-draft]");
    if (pending && (!form || keyOf(form) !== pending)) { s.removeItem(pending); }  // saved
    s.removeItem(PENDING);
    if (!form) { return; }
    var key = keyOf(form);
    var raw = s.getItem(key);
    if (raw && !form.querySelector(".error, [aria-invalid='true']")) {
      try {
        var draft = JSON.parse(raw), missing = 0;
        Object.keys(draft.fields || {}).forEach(function (name) {
          var el = form.elements[name];
          if (!el) { if (draft.fields[name]) { missing += 1; } return; }
          if (el.type === "checkbox" || el.type === "radio") { el.checked = true; } else { el.value = draft.fields[name]; }
        });
        notice(form, "Восстановлен несохранённый текст от " + draft.at + ". Проверьте его и сохраните." +
               (missing ? " Строк, добавленных тогда, здесь нет: добавьте их снова (" + missing + " полей)." : ""), true);
      } catch (e) { s.removeItem(key); }
    }
    form.addEventListener("input", function () {
      var now = new Date();
      var at = now.toLocaleDateString("ru-RU") + " " + now.toLocaleTimeString("ru-RU", {hour: "2-digit", minute: "2-digit"});
      try { s.setItem(key, JSON.stringify({at: at, fields: snapshot(form)})); } catch (e) { /* full */ }
    });
    form.addEventListener("submit", function (evt) {
      if (navigator.onLine === false) {
        evt.preventDefault();
        notice(form, "Нет связи с сервером: посещение не отправлено. Всё введённое сохранено в этом браузере — " +
               "отправьте форму снова, когда связь появится.", false).scrollIntoView();
        return;
      }
      try { s.setItem(key, JSON.stringify({at: new Date().toLocaleString("ru-RU"), fields: snapshot(form)})); } catch (e) { /* full */ }
      s.setItem(PENDING, key);
    });
  });
  // A table pasted into an import field from a web page or Word also comes as HTML: that copy
  // keeps the table's cells, merged cells and lists, so it is sent along (field «…_html») and
  // read instead of the plain text. Typing in the field afterwards drops it: the text is then
  // what the user means.
  document.addEventListener("paste", function (evt) {
    var area = evt.target.closest && evt.target.closest("textarea[data-paste-html]");
    if (!area || !evt.clipboardData) { return; }
    var html = evt.clipboardData.getData("text/html") || "";
    var hidden = area.form && area.form.querySelector("input[name='" + area.dataset.pasteHtml + "']");
    if (!hidden) { return; }
    var keep = /<table[\s>]/i.test(html) && html.length <= 2000000;
    hidden.value = keep ? html : "";
    var note = area.form.querySelector(".paste-html-note");
    if (note) { note.hidden = !keep; }
  });
  document.addEventListener("input", function (evt) {
    var area = evt.target.closest && evt.target.closest("textarea[data-paste-html]");
    if (!area || evt.inputType === "insertFromPaste") { return; }
    var hidden = area.form && area.form.querySelector("input[name='" + area.dataset.pasteHtml + "']");
    if (hidden && hidden.value) {
      hidden.value = "";
      var note = area.form.querySelector(".paste-html-note");
      if (note) { note.hidden = true; }
    }
  });
})();

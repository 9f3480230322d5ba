// govflow pages: forms post JSON to the API as the signed-in user (the sign-in cookie),
// and show the API's problem details — the message of each field next to it.
(function () {
  "use strict";

  // "milestones.0.name" / "tasks[0].score" → ["milestones", 0, "name"]
  function pathOf(name) {
    return name.replace(/\[(\d+)\]/g, ".$1").split(".").map(function (part) {
      return /^\d+$/.test(part) ? Number(part) : part;
    });
  }

  function setPath(target, path, value) {
    var node = target;
    for (var i = 0; i < path.length - 1; i++) {
      var key = path[i];
      if (node[key] === undefined) node[key] = typeof path[i + 1] === "number" ? [] : {};
      node = node[key];
    }
    node[path[path.length - 1]] = value;
  }

  // data-type: int, number, bool (checkbox or "true"/"false"), lines (one per line), json
  function valueOf(input) {
    var type = input.dataset.type || "";
    if (input.type === "checkbox") return input.checked;
    var raw = input.value;
    if (raw === "" && type !== "bool") return undefined;
    switch (type) {
      case "int": return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
      case "number": return isNaN(Number(raw)) ? raw : Number(raw);
      case "yuan": {  // an amount typed in yuan, sent in fen
        var text = raw.replace(/[,\s元]/g, "");
        return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : raw;
      }
      case "bool": return raw === "true";
      case "lines": return raw.split("\n").map(function (s) { return s.trim(); })
        .filter(function (s) { return s.length > 0; });
      case "json": try { return JSON.parse(raw); } catch (e) { return raw; }
      default: return raw;
    }
  }

  function bodyOf(form) {
    var body = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (input) {
      if (input.disabled || (input.type === "radio" && !input.checked)) return;
      var value = valueOf(input);
      if (value === undefined) return;
      setPath(body, pathOf(input.name), value);
    });
    return body;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var top = form.querySelector("[data-form-error]");
    if (top) top.textContent = "";
  }

  function normalized(field) {
    return (field || "").replace(/\[(\d+)\]/g, ".$1").replace(/^body\./, "");
  }

  function showProblem(form, problem) {
    var unplaced = [];
    (problem.errors || []).forEach(function (error) {
      if (error.row) return;  // a file's rows: the page lists them in a table of its own
      var field = normalized(error.field);
      var slot = form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
      if (slot) {
        slot.textContent = error.message;
        var input = form.querySelector('[name="' + CSS.escape(field) + '"]');
        if (input) input.setAttribute("aria-invalid", "true");
      } else {
        unplaced.push((field ? field + "：" : "") + error.message);
      }
    });
    var top = form.querySelector("[data-form-error]");
    if (top) {
      var placed = (problem.errors || []).length > unplaced.length;
      top.textContent = placed && unplaced.length === 0 ? (problem.title || "提交的内容有误")
        : (problem.detail || problem.title || "操作未成功") +
          (unplaced.length && problem.errors && problem.errors.length > 1 ? "（" + unplaced.join("；") + "）" : "");
    }
  }

  function fill(template, answer) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return answer && answer[key] !== undefined ? encodeURIComponent(answer[key]) : "";
    });
  }

  // A file goes up with XMLHttpRequest, which reports how much is sent: the form hears
  // "govflow:progress" events ({loaded, total}) while it uploads.
  function upload(form, url, init) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open(init.method, url);
      Object.keys(init.headers).forEach(function (name) {
        request.setRequestHeader(name, init.headers[name]);
      });
      request.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        form.dispatchEvent(new CustomEvent("govflow:progress", {
          detail: { loaded: event.loaded, total: event.total }, bubbles: true }));
      });
      request.addEventListener("load", function () {
        resolve(new Response(request.responseText || null, {
          status: request.status,
          headers: { "Content-Type": request.getResponseHeader("Content-Type") || "" } }));
      });
      request.addEventListener("error", function () { reject(new Error("upload failed")); });
      request.send(init.body);
    });
  }

  async function submit(event) {
    var form = event.target.closest("form.api-form");
    if (!form) return;
    event.preventDefault();
    clearErrors(form);
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      var method = form.dataset.apiMethod || "POST";
      var headers = { "Accept": "application/json, application/problem+json",
                      "Idempotency-Key": form.dataset.key || (form.dataset.key = crypto.randomUUID()) };
      var init = { method: method, headers: headers, credentials: "same-origin" };
      if (form.enctype === "multipart/form-data") {
        init.body = new FormData(form);
      } else {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(bodyOf(form));
      }
      var response = init.body instanceof FormData
        ? await upload(form, form.dataset.apiAction, init)
        : await fetch(form.dataset.apiAction, init);
      var answer = null;
      try { answer = await response.json(); } catch (e) { answer = null; }
      if (!response.ok) {
        delete form.dataset.key;  // a refused command recorded nothing: a new key next time
        showProblem(form, answer || { detail: "操作未成功（HTTP " + response.status + "）" });
        form.dispatchEvent(new CustomEvent("govflow:refused", { detail: answer, bubbles: true }));
        return;
      }
      form.dispatchEvent(new CustomEvent("govflow:accepted", { detail: answer, bubbles: true }));
      var redirect = form.dataset.redirect;
      if (redirect) window.location.assign(fill(redirect, answer));
      else window.location.reload();
    } catch (error) {
      showProblem(form, { detail: "无法连接服务器，请稍后再试" });
    } finally {
      if (button) button.disabled = false;
    }
  }

  document.addEventListener("submit", submit);
  window.govflow = { bodyOf: bodyOf, showProblem: showProblem };
})();

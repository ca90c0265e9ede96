/* Holdless "Call me back" widget: one script tag, a form in a shadow root, no framework.
   Embed: <script src="https://calls.example.com/widget.js" data-queue="support"
   data-key="pk_..." async></script>. The site's branding comes from its `widget` table in
   the config (GET /api/v1/widget); these attributes override it: data-lang, data-color,
   data-position (bottom-right|bottom-left|inline), data-title, data-button,
   data-proactive-seconds. Also data-poll-seconds, data-honeypot, data-mode (float|page). */
(() => {
  "use strict";
  // Filled in by the server from the prompt catalogue (callback/config/prompts/*.toml, [web]):
  // the texts by language, the reference language first, and the right-to-left ones.
  const TEXTS = /*HOLDLESS:TEXTS*/{};
  const RTL = /*HOLDLESS:RTL*/[];
  const DONE = ["completed", "failed", "cancelled", "expired"];
  const POSITIONS = { right: "bottom-right", left: "bottom-left", "bottom-right": "bottom-right", "bottom-left": "bottom-left", inline: "inline" };
  const CODE_ERRORS = { verification_code_wrong: "codeWrong", verification_expired: "codeExpired", verification_locked: "codeLocked" };
  const MAX_SLOTS = 8, DAY_MS = 864e5, STYLE_WAIT_MS = 2500;
  const STYLE = `
:host{all:initial;--hl-brand:#1a56db;--hl-text:#111;--hl-bg:#fff;font:16px/1.4 system-ui,sans-serif;color:var(--hl-text)}
.float{position:fixed;inset-block-end:20px;inset-inline-end:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:8px}
.float.left{inset-inline-end:auto;inset-inline-start:20px;align-items:flex-start}
.inline{display:flex;flex-direction:column;align-items:flex-start;gap:8px;margin:16px 0}
button{font:inherit;cursor:pointer;border-radius:8px;padding:10px 16px;border:2px solid var(--hl-brand)}
.primary{background:var(--hl-brand);color:#fff}.secondary{background:var(--hl-bg);color:var(--hl-brand)}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid #ffbf00;outline-offset:2px;box-shadow:0 0 0 5px #111}
.panel{background:var(--hl-bg);border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.25);padding:16px;width:min(340px,calc(100vw - 40px));box-sizing:border-box}
.page .panel,.inline .panel{box-shadow:none;border:1px solid #ccc}
.page .panel{margin:24px auto;width:min(480px,100%)}
.head{display:flex;justify-content:space-between;align-items:center;gap:8px}
h2{font-size:1.15em;margin:0}
.x{border:none;background:none;color:var(--hl-text);padding:4px 8px;font-size:1.3em}
label{display:block;margin-block-start:12px;font-weight:600}
input,select{font:inherit;box-sizing:border-box;width:100%;padding:8px;margin-block-start:4px;border:1px solid #767676;border-radius:6px;color:inherit;background:#fff}
[aria-invalid=true]{border-color:#b00020}
.err{color:#b00020;margin:4px 0 0;font-size:.9em}.err:empty{display:none}
.wait,.live{margin:12px 0 0}
.actions{margin-block-start:16px;display:flex;gap:8px;flex-wrap:wrap}
.trap{position:absolute;inset-inline-start:-10000px;width:1px;height:1px;overflow:hidden}
.bubble{background:var(--hl-bg);border-radius:8px;box-shadow:0 2px 10px rgba(0,0,0,.2);padding:8px 12px;max-width:260px}
[hidden]{display:none!important}`;

  const script = document.currentScript || document.querySelector("script[data-queue][src*='widget.js']");
  if (!script || !script.dataset.queue) return;
  const cfg = script.dataset;
  const api = new URL("/api/v1/", script.src).href;
  const queue = cfg.queue;
  const lang = pickLanguage(cfg.lang || document.documentElement.lang || navigator.language || "en");
  const pageMode = cfg.mode === "page";
  const pollMs = Math.max(2, Number(cfg.pollSeconds) || 10) * 1000;
  // One pending request per queue and site survives a reload; the browser keeps it per origin.
  const memoKey = "holdless:" + queue + ":" + (cfg.key || "");
  const memo = {
    get() { try { return localStorage.getItem(memoKey) || ""; } catch (_) { return ""; } },
    set(url) { try { localStorage.setItem(memoKey, url); } catch (_) { /* storage may be off */ } },
    forget() { try { localStorage.removeItem(memoKey); } catch (_) { /* storage may be off */ } },
  };

  function pickLanguage(tag) {
    const code = String(tag).toLowerCase().split("-")[0];
    return Object.prototype.hasOwnProperty.call(TEXTS, code) ? code : Object.keys(TEXTS)[0];
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? String(values[k]) : ""));
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v; else if (v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    node.append(...children);
    return node;
  }
  async function call(method, url, body) {
    const init = { method, headers: {}, credentials: "omit", cache: "no-store" };
    if (body) {
      init.headers = { "Content-Type": "application/json", "X-Holdless-Site-Key": cfg.key || "" };
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error("api"), { status: response.status, detail: (data && data.error) || {} });
    return data;
  }
  function siteStyle() {
    // The hosted page writes its site's branding into the attributes; elsewhere the API has it.
    if (pageMode || !cfg.key) return Promise.resolve({});
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), STYLE_WAIT_MS);
    const init = { headers: { "X-Holdless-Site-Key": cfg.key }, credentials: "omit", signal: stop.signal };
    return fetch(api + "widget", init).then((r) => (r.ok ? r.json() : {})).catch(() => ({}))
      .finally(() => clearTimeout(timer));
  }
  const loaded = new Promise((resolve) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();
  });
  Promise.all([siteStyle(), loaded]).then(([style]) => start(style || {}));

  function start(style) {
    const own = (style.texts && style.texts[lang]) || {};
    const title = cfg.title || own.title, button = cfg.button || own.button;
    const t = Object.assign({}, TEXTS[lang], title ? { title } : {}, button ? { button, submit: button } : {});
    // An attribute the widget cannot use falls back to the config, then to the built-in look.
    const position = pageMode ? "page" : POSITIONS[cfg.position] || POSITIONS[style.position] || "bottom-right";
    const color = [cfg.color, style.color].find((c) => c && CSS.supports("color", c));
    const proactive = Number(cfg.proactiveSeconds !== undefined ? cfg.proactiveSeconds : style.proactive_seconds) || 0;
    let shownAt = 0, statusUrl = "", timer = 0, verification = "";

    const num = new Intl.NumberFormat(lang);
    const clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
    const day = new Intl.DateTimeFormat(lang, { weekday: "long", hour: "2-digit", minute: "2-digit" });
    const mins = (s) => num.format(Math.max(1, Math.round(s / 60)));
    const slotText = (s) => day.format(new Date(s.start)) + "–" + clock.format(new Date(s.end));

    const host = el("div", { "data-holdless": queue, dir: RTL.includes(lang) ? "rtl" : "ltr", lang });
    const root = host.attachShadow({ mode: "open" });
    if (color) host.style.setProperty("--hl-brand", color);
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
    } catch (_) {
      root.append(el("style", { text: STYLE }));
    }

    const id = (name) => "hl-" + name;
    const launcher = el("button", { type: "button", class: "primary", "aria-expanded": "false", "aria-controls": id("panel"), text: t.button });
    const bubble = el("button", { type: "button", class: "secondary bubble", hidden: true, text: t.proactive });
    const close = el("button", { type: "button", class: "x", "aria-label": t.close, text: "×" });
    const phone = el("input", { id: id("phone"), name: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", required: true, "aria-describedby": id("phone-err"), maxlength: "40" });
    const phoneErr = el("p", { id: id("phone-err"), class: "err" });
    const name = el("input", { id: id("name"), name: "name", autocomplete: "name", maxlength: "100", "aria-describedby": id("name-err") });
    const nameErr = el("p", { id: id("name-err"), class: "err" });
    const when = el("select", { id: id("when"), name: "preferred_time", "aria-describedby": id("when-err") });
    const whenErr = el("p", { id: id("when-err"), class: "err" });
    const whenBox = el("div", { hidden: true }, el("label", { for: id("when"), text: t.when }), when, whenErr);
    const trap = el("input", { name: cfg.honeypot || "website", tabindex: "-1", autocomplete: "off", "aria-hidden": "true" });
    const note = el("p", { class: "err", id: id("form-err") });
    const wait = el("p", { class: "wait", text: t.checking });
    const submit = el("button", { type: "submit", class: "primary", text: t.submit });
    const form = el("form", { novalidate: true },
      el("label", { for: id("phone"), text: t.phone }), phone, phoneErr,
      el("label", { for: id("name"), text: t.name }), name, nameErr, whenBox,
      el("div", { class: "trap", "aria-hidden": "true" }, trap),
      el("div", { class: "actions" }, submit));
    const code = el("input", { id: id("code"), name: "code", autocomplete: "one-time-code", inputmode: "numeric", maxlength: "6", "aria-describedby": id("code-help") + " " + id("code-err") });
    const codeErr = el("p", { id: id("code-err"), class: "err" });
    const confirm = el("button", { type: "submit", class: "primary", text: t.verify });
    const back = el("button", { type: "button", class: "secondary", text: t.back });
    const check = el("form", { novalidate: true, hidden: true },
      el("p", { id: id("code-help"), class: "wait", text: t.codeSent }),
      el("label", { for: id("code"), text: t.code }), code, codeErr,
      el("div", { class: "actions" }, confirm, back));
    const live = el("div", { class: "live", hidden: true });
    const cancel = el("button", { type: "button", class: "secondary", text: t.cancel });
    const after = el("div", { hidden: true }, live, el("div", { class: "actions" }, cancel));
    const announcer = el("div", { class: "trap", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    const heading = el("h2", { id: id("title"), text: t.title });
    const panel = el("section", { id: id("panel"), class: "panel", "aria-labelledby": id("title"), hidden: !pageMode },
      el("div", { class: "head" }, heading, pageMode ? "" : close), wait, form, check, after, note);
    const frame = el("div", { dir: host.dir, class: { page: "page", inline: "inline", "bottom-left": "float left" }[position] || "float" },
      ...({ page: [panel], inline: [launcher, bubble, panel] }[position] || [bubble, panel, launcher]), announcer);
    root.append(frame);

    const say = (text) => { announcer.textContent = ""; setTimeout(() => { announcer.textContent = text; }, 50); };
    const fields = { phone: [phone, phoneErr], name: [name, nameErr], preferred_time: [when, whenErr], code: [code, codeErr] };

    function clearErrors() {
      for (const [input, out] of Object.values(fields)) { input.removeAttribute("aria-invalid"); out.textContent = ""; }
      note.textContent = "";
    }
    function showError(field, message) {
      const pair = fields[field];
      (pair ? pair[1] : note).textContent = message;
      if (pair) { pair[0].setAttribute("aria-invalid", "true"); pair[0].focus(); }
      say(message);
    }
    function failed(error) {
      const detail = error.detail;
      if (!detail) return showError(null, t.offline);
      if (detail.next_slots) offer(detail.code !== "queue_closed" && when.options[0] && when.options[0].value === "asap", detail.next_slots);
      showError(detail.field, detail.message || t.error);
    }
    function busy(button, on, text) {
      button.disabled = on;
      button.textContent = on ? t.sending : text;
    }

    async function loadWait() {
      try {
        const q = await call("GET", api + "queues/" + encodeURIComponent(queue) + "/estimate");
        const slots = await freeSlots(q);
        const e = q.estimate;
        let text = !q.open ? t.closed : e ? fill(t.open, { m: mins(e.wait_seconds), lo: mins(e.low_seconds), hi: mins(e.high_seconds) }) : t.openNoWait;
        // The place booking now would take: the one the phone menu says and the booking keeps.
        if (q.open && e && q.position) text += " " + fill(t.placeBefore, { n: num.format(q.position) });
        if (!q.accepting && q.next_opening) text += " " + fill(t.opens, { t: day.format(new Date(q.next_opening)) });
        if (!q.accepting && slots.length) text += " " + t.pickSlot;
        wait.textContent = text;
        offer(q.accepting, slots);
      } catch (error) {
        wait.textContent = error.detail && error.detail.message ? error.detail.message : t.offline;
      }
    }
    async function freeSlots(q) {
      const ref = Date.parse((!q.accepting && q.next_opening) || q.closes_at || (q.estimate && q.estimate.by) || q.next_opening || "");
      if (!ref) return [];
      // The API counts days in the queue's own time zone: its day of `ref` is one of these three.
      const dates = [-1, 0, 1].map((d) => new Date(ref + d * DAY_MS).toISOString().slice(0, 10));
      const base = api + "queues/" + encodeURIComponent(queue) + "/slots?date=";
      const lists = await Promise.all(dates.map((d) => call("GET", base + d).then((r) => r.slots, () => [])));
      const seen = new Set();
      return lists.flat().filter((s) => !seen.has(s.start) && seen.add(s.start))
        .sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).slice(0, MAX_SLOTS);
    }
    function offer(asap, slots) {
      const chosen = when.value;
      when.replaceChildren(...(asap ? [el("option", { value: "asap", text: t.asap })] : []),
        ...slots.map((s) => el("option", { value: s.start, text: slotText(s) })));
      if ([...when.options].some((o) => o.value === chosen)) when.value = chosen;
      whenBox.hidden = !slots.length;
      submit.disabled = !asap && !slots.length;
    }

    function render(status, quiet) {
      const lines = [];
      // After a missed call the promise made at booking no longer holds: say when we try again.
      if (status.next_try) lines.push(fill(t.missed, { t: clock.format(new Date(status.next_try)) }));
      else if (status.position) lines.push(fill(t.position, { n: num.format(status.position) }));
      const p = status.state === "waiting" && !status.next_try && (status.attempts ? status.estimate : status.promise || status.estimate);
      if (p) lines.push(fill(t.promise, { m: mins(p.wait_seconds), t: clock.format(new Date(p.by)) }));
      if (status.slot && status.state === "scheduled" && !status.next_try) lines.push(fill(t.slot, { s: day.format(new Date(status.slot.start)), e: clock.format(new Date(status.slot.end)) }));
      if (t[status.state] && status.state !== "scheduled") lines.push(t[status.state]);
      const text = lines.join(" ");
      if (text !== live.textContent) { live.textContent = text; if (!quiet) say(text); }
      cancel.hidden = DONE.includes(status.state) || status.state === "dialing" || status.state === "connected";
      if (DONE.includes(status.state)) { stopPolling(); memo.forget(); }
    }
    function stopPolling() { clearTimeout(timer); timer = 0; }
    function poll() {
      stopPolling();
      timer = setTimeout(async () => {
        try { render(await call("GET", statusUrl)); } catch (_) { /* the next poll tries again */ }
        if (timer) poll();
      }, pollMs);
    }
    function follow(status, quiet) {
      form.hidden = true; check.hidden = true; wait.hidden = true; after.hidden = false; live.hidden = false;
      render(status, quiet);
      if (!DONE.includes(status.state)) poll();
    }
    function accepted(status) {
      statusUrl = status.status_url;
      if (!DONE.includes(status.state)) memo.set(statusUrl);
      follow(status);
      cancel.focus();
    }
    async function resume() {
      const saved = memo.get();
      if (!saved) return false;
      try {
        const status = await call("GET", saved);
        if (DONE.includes(status.state)) { memo.forget(); return false; }
        statusUrl = saved;
        follow(status, true);
        return true;
      } catch (error) {
        if (error.status === 404) memo.forget();
        return false;
      }
    }

    function askCode(needed) {
      verification = needed.verification_id;
      code.value = "";
      code.maxLength = needed.code_length || 6;
      form.hidden = true; check.hidden = false;
      code.focus();
      say(t.codeSent);
    }
    function backToForm() {
      verification = "";
      check.hidden = true; form.hidden = false;
      phone.focus();
    }
    function codeRefused(error) {
      const key = error.detail && CODE_ERRORS[error.detail.code];
      if (key === "codeWrong") return showError("code", t.codeWrong);
      if (!key) return failed(error);
      backToForm();
      showError(null, t[key]);
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors();
      if (!phone.value.trim()) return showError("phone", t.required);
      const body = { queue, phone: phone.value.trim(), language: lang, fill_ms: Math.round(performance.now() - shownAt), context: { page: location.pathname.slice(0, 500) } };
      if (name.value.trim()) body.name = name.value.trim();
      if (!whenBox.hidden && when.value && when.value !== "asap") body.preferred_time = when.value;
      body[trap.name] = trap.value;
      busy(submit, true);
      try {
        const answer = await call("POST", api + "callbacks", body);
        if (answer.status === "verification_required") askCode(answer); else accepted(answer);
      } catch (error) {
        failed(error);
      } finally {
        busy(submit, false, t.submit);
      }
    });

    check.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors();
      // Persian and Arabic-Indic digits from a phone's keyboard count as the digits they are.
      const typed = code.value.replace(/\s/g, "").replace(/[۰-۹٠-٩]/g, (d) => String(d.charCodeAt(0) % 16));
      if (!typed) return showError("code", t.codeRequired);
      busy(confirm, true);
      try { accepted(await call("POST", api + "callbacks/verify", { verification_id: verification, code: typed })); } catch (error) { codeRefused(error); }
      busy(confirm, false, t.verify);
    });
    back.addEventListener("click", () => { clearErrors(); backToForm(); });

    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      clearErrors();
      try { stopPolling(); render(await call("DELETE", statusUrl)); } catch (error) { failed(error); poll(); }
      cancel.disabled = false;
    });

    function open() {
      bubble.hidden = true;
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
      if (!shownAt) shownAt = performance.now();
      if (after.hidden && check.hidden) loadWait();
      (!after.hidden ? cancel : !check.hidden ? code : phone).focus();
    }
    function hide() {
      panel.hidden = true;
      launcher.hidden = false;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }
    launcher.addEventListener("click", open);
    close.addEventListener("click", hide);
    bubble.addEventListener("click", open);
    panel.addEventListener("keydown", (event) => { if (event.key === "Escape" && !pageMode) hide(); });

    const target = document.querySelector("[data-holdless-target]");
    if (target && position !== "bottom-right" && position !== "bottom-left") target.append(host);
    else if (position === "inline" && document.body.contains(script)) script.after(host);
    else document.body.append(host);
    resume().then((resumed) => { if (pageMode && !resumed) { shownAt = performance.now(); loadWait(); } });
    if (!pageMode && proactive > 0) {
      setTimeout(() => { if (panel.hidden && after.hidden) { bubble.hidden = false; say(t.proactive); } }, proactive * 1000);
    }
  }
})();

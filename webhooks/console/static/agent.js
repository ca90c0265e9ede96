// Holdless agent's screen: follows the agent's own event stream and, when their state or
// offer moves, fetches the server-rendered section and swaps it in (no reload). Notes being
// typed survive a redraw of the same call. The page stays correct (if still) without this.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const screen = document.getElementById("screen");
  if (!screen || !window.EventSource || !window.fetch) {
    return;
  }
  const live = document.getElementById("live");
  const notice = document.getElementById("state-set");

  function stateNow() {
    const shown = document.getElementById("state");
    return shown ? shown.dataset.status : null;
  }

  // A call moves the state (busy, wrap-up): the form's radio and the notice follow it, but
  // a choice the agent is making is left alone until the state really moves.
  let known = stateNow();
  function follow() {
    const status = stateNow();
    if (!status || status === known) {
      return;
    }
    known = status;
    document.querySelectorAll('input[name="status"]').forEach(function (radio) {
      radio.checked = radio.value === status;
    });
    if (notice) {
      const label = document.querySelector('label[for="status-' + status + '"]');
      notice.textContent = notice.dataset.text.replace("{status}", label ? label.textContent : status);
    }
  }

  function typed() {
    const form = screen.querySelector("form.wrap");
    if (!form) {
      return null;
    }
    return {
      offer: form.elements.kind.value + ":" + form.elements.offer.value,
      notes: form.elements.notes.value,
      disposition: form.elements.disposition.value,
    };
  }

  function restore(kept) {
    const form = screen.querySelector("form.wrap");
    if (!kept || !form || form.elements.kind.value + ":" + form.elements.offer.value !== kept.offer) {
      return;
    }
    form.elements.notes.value = kept.notes;
    form.elements.disposition.value = kept.disposition;
  }

  function redraw() {
    fetch(screen.dataset.party, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        // A signed-out session answers with the sign-in page (a redirect): load it.
        if (!answer.ok || answer.redirected) {
          window.location.reload();
          return null;
        }
        return answer.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        const kept = typed();
        const parsed = new DOMParser().parseFromString(html, "text/html");
        screen.replaceChildren.apply(screen, Array.from(parsed.body.childNodes));
        restore(kept);
        follow();
        screen.dataset.updates = String(Number(screen.dataset.updates || "0") + 1);
      });
  }

  const stream = new EventSource(screen.dataset.stream);
  stream.addEventListener("change", function () {
    live.textContent = live.dataset.liveText;
    // Also the first event: things may have moved between the page's load and the stream's.
    redraw();
  });
  stream.addEventListener("error", function () {
    live.textContent = live.dataset.lostText;
    if (stream.readyState === EventSource.CLOSED) {
      window.location.reload();
    }
  });
});

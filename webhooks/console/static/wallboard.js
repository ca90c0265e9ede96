// Holdless wallboard: follows the server's event stream and copies each figure into the
// element that carries its key; the page stays correct (if still) without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const board = document.querySelector("[data-stream]");
  if (!board || !window.EventSource) {
    return;
  }
  const live = document.getElementById("live");
  const labels = {};
  document.querySelectorAll("#status-labels [data-status]").forEach(function (item) {
    labels[item.dataset.status] = item.textContent;
  });
  const cells = {};
  board.querySelectorAll("[data-field]").forEach(function (cell) {
    (cells[cell.dataset.field] = cells[cell.dataset.field] || []).push(cell);
  });

  function show(key, value) {
    (cells[key] || []).forEach(function (cell) {
      if (cell.hasAttribute("data-label")) {
        cell.dataset.status = value;
        cell.textContent = labels[value] || value;
      } else {
        cell.textContent = value;
      }
    });
  }

  const stream = new EventSource(board.dataset.stream);
  stream.addEventListener("snapshot", function (message) {
    const fields = JSON.parse(message.data);
    Object.keys(fields).forEach(function (key) {
      show(key, fields[key]);
    });
    live.textContent = live.dataset.liveText;
    board.dataset.updates = String(Number(board.dataset.updates || "0") + 1);
  });
  stream.addEventListener("error", function () {
    live.textContent = live.dataset.lostText;
    // Closed for good (the session ended: the answer was not a stream): load the page again,
    // which leads to the sign-in form. A server that is down leaves it retrying instead.
    if (stream.readyState === EventSource.CLOSED) {
      window.location.reload();
    }
  });
});

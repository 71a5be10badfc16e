// The "ask the person's wallet" page: polls the request's progress with the read key this page
// holds, then posts the verdict form once the wallet has answered. Every word shown comes from
// the page (the server's catalogue); this script only shows and hides.
"use strict";

(function () {
  const asking = document.getElementById("asking");
  const verdict = document.getElementById("ask-verdict");
  const again = document.getElementById("ask-again");
  const code = document.getElementById("ask-code");
  const INTERVAL_MS = 1500;
  let timer = null;
  let busy = false;

  function status(id) {
    for (const line of asking.querySelectorAll("[data-status]")) {
      line.hidden = line.id !== id;
    }
  }

  function expired() {
    clearInterval(timer);
    code.hidden = true;
    verdict.hidden = true;
    again.hidden = false;
    status("ask-expired");
  }

  async function poll() {
    if (busy) {
      return;
    }
    busy = true;
    try {
      const response = await fetch(asking.dataset.progress, {
        headers: { Authorization: "Bearer " + verdict.elements.namedItem("key").value, Accept: "application/json" },
        cache: "no-store",
        credentials: "omit",
      });
      if (response.status === 404) {
        expired();
        return;
      }
      if (!response.ok) {
        status("ask-offline");
        return;
      }
      const answer = await response.json();
      if (answer.status === "done") {
        clearInterval(timer);
        verdict.submit();
      } else if (answer.status === "expired") {
        expired();
      } else {
        status("ask-waiting");
      }
    } catch (error) {
      status("ask-offline");
    } finally {
      busy = false;
    }
  }

  if (asking && verdict && again && code) {
    timer = setInterval(poll, INTERVAL_MS);
  }
})();

// Progressive enhancement only: every page works without this file.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

initGovuk();
initMoj();

// The GOV.UK timeout warning: before the idle limit, offer to stay signed in.
function timeoutWarning(root) {
  const idle = Number(root.dataset.idleSeconds) * 1000;
  const warning = Number(root.dataset.warningSeconds) * 1000;
  const dialog = document.getElementById("app-timeout-dialog");
  if (!dialog || !idle) return;
  const countdown = dialog.querySelector("[data-countdown]");
  let warnTimer;
  let endTimer;
  let tick;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    const shownAt = Date.now() + idle - warning;
    warnTimer = setTimeout(() => {
      dialog.showModal();
      const update = () => {
        const left = Math.max(0, Math.round((shownAt + warning - Date.now()) / 1000));
        const minutes = Math.floor(left / 60);
        const seconds = left % 60;
        countdown.textContent = minutes
          ? `${minutes} minute${minutes === 1 ? "" : "s"}${seconds ? ` and ${seconds} seconds` : ""}`
          : `${seconds} seconds`;
      };
      update();
      tick = setInterval(update, 1000);
    }, idle - warning);
    endTimer = setTimeout(() => {
      window.location.href = root.dataset.signedOutUrl;
    }, idle);
  }

  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", async (event) => {
    event.preventDefault();
    const body = new URLSearchParams({ csrf_token: root.dataset.csrfToken });
    const response = await fetch(root.dataset.extendUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.ok) {
      dialog.close();
      schedule();
    } else {
      window.location.href = root.dataset.signedOutUrl;
    }
  });
  schedule();
}

const timeoutRoot = document.querySelector('[data-module="app-timeout-warning"]');
if (timeoutRoot) timeoutWarning(timeoutRoot);

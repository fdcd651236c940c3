// Wagtail's Checks side panel runs axe on the preview only once the preview's own checker
// (the userbar) says "w-userbar:axe-ready"; until then, or if that never happens (the
// preview failed or shows validation errors), its count would read "0". This script
// (templates/wagtailadmin/shared/side_panels/checks.html) shows a count only for a preview
// the checks ran on, and otherwise says why there is none.
(function () {
  const GRACE_MS = 4000; // a loaded preview whose checker has not answered by then failed
  const panel = document.querySelector('[data-side-panel="checks"] [data-content-checks]');
  if (!panel) return;
  const count = panel.querySelector("[data-content-checker-count]");
  const status = panel.querySelector("[data-content-checks-status]");
  const rows = panel.querySelector("[data-checks-panel]");
  const MESSAGES = {
    ran: "",
    clean: "No issues found in the preview.",
    invalid:
      "No checks ran: the preview is not available until the page's validation errors are fixed (save to see them).",
    failed: "No checks ran: the preview did not load. Reload the editor to try again.",
  };
  const readyWindows = new WeakSet();
  const loadedAt = new WeakMap();
  let ranOn = null; // the preview window the shown results belong to
  let observer = null;

  const frame = () => document.getElementById("w-preview-iframe");
  const toggleCounter = () =>
    document.querySelector('[data-side-panel-toggle="checks"] [data-side-panel-toggle-counter]');

  function show(state) {
    panel.dataset.contentChecksState = state;
    status.textContent = MESSAGES[state];
    status.hidden = !MESSAGES[state];
    if (state === "invalid" || state === "failed") {
      count.textContent = "–";
      count.classList.remove("has-errors");
      rows.replaceChildren();
      const counter = toggleCounter();
      if (counter) counter.hidden = true;
      ranOn = null;
      // Our own write is no axe run: drop its pending mutation records.
      if (observer) observer.takeRecords();
    }
  }

  window.addEventListener("message", (event) => {
    const data = event.data && (event.data.wagtail || event.data);
    if (data && data.type === "w-userbar:axe-ready" && event.source) readyWindows.add(event.source);
  });

  // Wagtail writes the count after each axe run: keep it if it ran on the current preview.
  observer = new MutationObserver(() => {
    const current = frame();
    const win = current && current.contentWindow;
    if (win && readyWindows.has(win)) {
      ranOn = win;
      show(count.textContent.trim() === "0" ? "clean" : "ran");
    } else {
      show("failed");
    }
  });
  observer.observe(count, { childList: true, characterData: true, subtree: true });

  setInterval(() => {
    const current = frame();
    const win = current && current.contentWindow;
    if (!win || win === ranOn || readyWindows.has(win)) return;
    let doc = null;
    try {
      doc = current.contentDocument;
    } catch (error) {
      doc = null;
    }
    if (!doc || doc.readyState !== "complete" || doc.URL === "about:blank") return;
    if (doc.querySelector(".preview-error")) {
      if (panel.dataset.contentChecksState !== "invalid") show("invalid");
      return;
    }
    if (!loadedAt.has(win)) loadedAt.set(win, Date.now());
    else if (Date.now() - loadedAt.get(win) > GRACE_MS && panel.dataset.contentChecksState !== "failed") {
      show("failed");
    }
  }, 500);
})();

/* "On this device" on the Notifications page (templates/reach/_devices.html): turn web
   push on or off for this browser, and mark which device in the list is this one.

   The browser subscribes with the server's VAPID public key (the card's data-public-key)
   and the subscription (an address at the browser's push service and two keys) is posted
   as JSON to the server, which keeps it. Nothing here is about anyone's health.
   Every sentence comes from the page, translated there. */
(function () {
  "use strict";

  const card = document.getElementById("push-device");
  if (!card) return;
  const cfg = card.dataset;
  const messageBox = card.querySelector("[data-push-message]");
  const nameInput = card.querySelector("#push-name");
  const buttons = card.querySelectorAll("[data-push-action]");
  const token = (card.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  function show(state) {
    card.querySelectorAll("[data-push-state]").forEach((el) => {
      el.hidden = el.dataset.pushState !== state;
    });
  }

  function say(text) {
    messageBox.textContent = text || "";
  }

  function busy(on) {
    buttons.forEach((button) => {
      button.disabled = on;
    });
    if (on) say(cfg.textWorking);
  }

  function isAppleMobile() {
    return /iPad|iPhone|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function isInstalled() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  const supported = window.isSecureContext && "serviceWorker" in navigator &&
    "PushManager" in window && "Notification" in window;
  if (!supported) {
    // iOS offers push only to the diary added to the home screen (16.4 and later).
    show(isAppleMobile() && !isInstalled() ? "ios" : "unsupported");
    return;
  }

  function keyBytes(base64url) {
    const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") +
      "=".repeat((4 - (base64url.length % 4)) % 4);
    const raw = atob(padded);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  const serverKey = keyBytes(cfg.publicKey);

  function sameKey(subscription) {
    const key = subscription.options && subscription.options.applicationServerKey;
    if (!key) return true; // the browser does not say: assume it is ours
    const bytes = new Uint8Array(key);
    return bytes.length === serverKey.length && bytes.every((b, i) => b === serverKey[i]);
  }

  async function sha256(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function registration() {
    // The layout registers the worker on every page (diary-offline.js); again is harmless.
    await navigator.serviceWorker.register(cfg.workerUrl, { scope: "/" });
    return navigator.serviceWorker.ready;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, data };
  }

  // Which row of the list is this browser; true when there is one.
  async function markThisDevice(subscription) {
    const rows = document.querySelectorAll("[data-endpoint-hash]");
    const mine = subscription ? await sha256(subscription.endpoint) : "";
    let found = false;
    rows.forEach((row) => {
      const here = Boolean(mine) && row.dataset.endpointHash === mine;
      const badge = row.querySelector("[data-this-device]");
      if (badge) badge.hidden = !here;
      if (here) {
        found = true;
        row.dataset.thisDevice = "true";
      }
    });
    return found;
  }

  async function refresh() {
    if (Notification.permission === "denied") {
      show("denied");
      return;
    }
    // The registration there is, without waiting for the worker to be checked for updates.
    const reg = await navigator.serviceWorker.getRegistration("/");
    const subscription = reg ? await reg.pushManager.getSubscription() : null;
    const known = await markThisDevice(subscription);
    // Subscribed, but not on the list (removed from another device): offer it again.
    show(subscription && known && sameKey(subscription) ? "on" : "off");
  }

  async function turnOn() {
    busy(true);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        show(permission === "denied" ? "denied" : "off");
        say(cfg.textNotAllowed);
        return;
      }
      const reg = await registration();
      let subscription = await reg.pushManager.getSubscription();
      if (subscription && !sameKey(subscription)) {
        // Made with the server's previous key: it would never be delivered.
        await subscription.unsubscribe();
        subscription = null;
      }
      if (!subscription) {
        subscription = await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: serverKey,
        });
      }
      const body = subscription.toJSON();
      body.name = nameInput ? nameInput.value : "";
      const result = await post(cfg.subscribeUrl, body);
      if (!result.ok) {
        say(result.data.error || cfg.textFailed);
        return;
      }
      window.location.reload(); // the list, with this device on it and the page's message
    } catch (error) {
      say(cfg.textFailed);
    } finally {
      busy(false);
    }
  }

  async function turnOff() {
    busy(true);
    try {
      const reg = await registration();
      const subscription = await reg.pushManager.getSubscription();
      if (subscription) {
        const endpoint = subscription.endpoint;
        await subscription.unsubscribe();
        await post(cfg.unsubscribeUrl, { endpoint });
      }
      window.location.reload();
    } catch (error) {
      say(cfg.textFailed);
    } finally {
      busy(false);
    }
  }

  card.querySelector("[data-push-action=on]").addEventListener("click", turnOn);
  card.querySelector("[data-push-action=off]").addEventListener("click", turnOff);

  // Removing this browser from the list also ends its subscription, so that turning it
  // on again later makes a fresh one.
  document.querySelectorAll("form[data-push-remove]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const row = form.closest("[data-endpoint-hash]");
      if (!row || row.dataset.thisDevice !== "true" || form.dataset.unsubscribed) return;
      event.preventDefault();
      registration()
        .then((reg) => reg.pushManager.getSubscription())
        .then((subscription) => (subscription ? subscription.unsubscribe() : null))
        .catch(() => null)
        .then(() => {
          form.dataset.unsubscribed = "true";
          form.submit();
        });
    });
  });

  refresh().catch(() => show("off"));
})();

/* Nothing typed is lost: the diary form's draft, the offline outbox, the service worker.

   - While the person types on today's diary, a draft is kept in localStorage under their
     own key (the user and the diary they keep), with the form's client key. After a crash
     or reload it is put back with a calm notice and a way to discard it.
   - Pressing Save marks the draft "submitted". If the Save never reached the result page
     (the session had ended, the CSRF check refused it, the signal dropped), the next visit
     to the diary sends it with a fresh token: the same client key saves it once.
   - Offline, Save puts the entry in the outbox (static/js/outbox.js) and says so; it is
     sent when the phone is back online.
   Every sentence comes from the page (diary_site/offline.py), translated there.
   What is stored and when it is deleted: docs/security.md, "On the phone". */
(function () {
  "use strict";

  const configNode = document.getElementById("diary-offline");
  if (!configNode) return;
  const cfg = JSON.parse(configNode.textContent);
  const T = cfg.text;
  const DRAFT_PREFIX = "diary-draft:";
  const COPIED_PREFIX = "diary-copied:";
  const FLASH = "diary-flash";
  const EMERGENCY = "diary-emergency-number";
  // An unsent draft older than this is not offered again (a reading from yesterday).
  const DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
  // The service worker's copy of the form is refreshed at most this often.
  const COPY_EVERY_MS = 30 * 60 * 1000;
  const RETRY_MS = 30 * 1000;
  const Outbox = window.DiaryOutbox;
  const main = document.getElementById("main") || document.body;
  const owner = cfg.owner;

  // Storage can be refused (private mode, full): then the page simply works as before.
  function store(action) {
    try {
      return action(window.localStorage);
    } catch (error) {
      return null;
    }
  }

  function readDraft() {
    if (!owner) return null;
    const raw = store((s) => s.getItem(DRAFT_PREFIX + owner));
    try {
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function writeDraft(draft) {
    store((s) => s.setItem(DRAFT_PREFIX + owner, JSON.stringify(draft)));
  }

  function removeDraft() {
    store((s) => s.removeItem(DRAFT_PREFIX + owner));
  }

  function draftKeys() {
    return store((s) => Object.keys(s).filter((key) => key.startsWith(DRAFT_PREFIX))) || [];
  }

  function forgetCopy() {
    if ("caches" in window) caches.delete(cfg.cache).catch(() => {});
    store((s) => Object.keys(s).filter((key) => key.startsWith(COPIED_PREFIX))
      .forEach((key) => s.removeItem(key)));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // Times in the diary's own zone, as the rest of the diary shows them.
  function parts(ms) {
    const out = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: cfg.timeZone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(ms)).forEach((p) => { out[p.type] = p.value; });
    return out;
  }

  function label(ms) {
    const when = parts(ms);
    const now = parts(Date.now());
    const time = `${when.hour}:${when.minute}`;
    if (when.year === now.year && when.month === now.month && when.day === now.day) return time;
    const day = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      timeZone: cfg.timeZone || undefined, weekday: "short", day: "numeric", month: "short",
    }).format(new Date(ms));
    return `${day}, ${time}`;
  }

  function localInput(ms) {
    const p = parts(ms);
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  }

  // --- notices, inserted at the top of the page's main area ---------------------------

  function notices() {
    let area = document.getElementById("diary-offline-notices");
    if (!area) {
      area = document.createElement("div");
      area.id = "diary-offline-notices";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      main.prepend(area);
    }
    return area;
  }

  function notice(id, kind, text, options) {
    const opts = options || {};
    const box = document.createElement("div");
    box.id = "diary-notice-" + id;
    box.className = `alert alert-${kind}`;
    box.tabIndex = -1;
    const p = document.createElement("p");
    p.className = (opts.actions || []).length ? "mb-2" : "mb-0";
    p.textContent = text;
    box.append(p);
    (opts.actions || []).forEach((action) => {
      const control = document.createElement(action.href ? "a" : "button");
      control.className = `btn btn-lg me-2 ${action.style || "btn-primary"}`;
      control.textContent = action.text;
      if (action.href) control.href = action.href;
      else {
        control.type = "button";
        control.addEventListener("click", action.onClick);
      }
      box.append(control);
    });
    const old = document.getElementById(box.id);
    if (old) old.replaceWith(box);
    else notices().append(box);
    if (opts.focus) {
      box.scrollIntoView({ block: "start" });
      box.focus();
    }
    return box;
  }

  function dropNotice(id) {
    const old = document.getElementById("diary-notice-" + id);
    if (old) old.remove();
  }

  function fill(text, time) {
    return text.replace("{time}", time);
  }

  // --- the service worker -------------------------------------------------------------

  function askWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  function registerSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.sync) registration.sync.register(Outbox.SYNC_TAG).catch(() => {});
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.urls.sw, { scope: "/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "outbox-flushed") showSent(false);
    });
  }

  if (cfg.fallback) return; // the worker's offline page: no one's data, nothing to do
  if (cfg.emergencyNumber) store((s) => s.setItem(EMERGENCY, cfg.emergencyNumber));

  if (!cfg.diaryUser) {
    // Signed out (or not a diary user): no copy of anyone's diary form stays on the phone.
    forgetCopy();
    if (!cfg.signedIn) {
      const waiting = draftKeys().some((key) => {
        const draft = store((s) => JSON.parse(s.getItem(key)));
        return draft && draft.status === "submitted";
      });
      // Signed out, the diary's team is not known: the number last used on this phone.
      const number = store((s) => s.getItem(EMERGENCY));
      if (waiting) {
        notice("waiting", "info", T.waiting, {
          actions: number ? [{ href: `tel:${number}`, text: T.call.replace("{number}", number), style: "btn-danger" }] : [],
        });
      }
    }
    return;
  }

  // Logging out: this person's unsent typing and the form's copy go with them. Entries
  // they pressed Save on stay, to be sent at their next login.
  document.querySelectorAll("form").forEach((form) => {
    if (new URL(form.action, location.href).pathname !== cfg.urls.logout) return;
    form.addEventListener("submit", () => {
      const mine = DRAFT_PREFIX + cfg.user;
      draftKeys().filter((key) => key.startsWith(mine)).forEach((key) => {
        const draft = store((s) => JSON.parse(s.getItem(key)));
        if (!draft || draft.status !== "submitted") store((s) => s.removeItem(key));
      });
      forgetCopy();
    });
  });

  // --- sending what the outbox holds --------------------------------------------------

  const form = document.querySelector("form.diary-form");
  const onToday = Boolean(form && owner && location.pathname === cfg.urls.today);
  let retry = null;

  function showQueued(focus) {
    notice("offline", "warning", T.queued, { focus });
  }

  async function showSent(navigate) {
    if (!owner) return;
    const sent = await Outbox.takeSent(owner);
    if (!sent.length) return;
    if (navigate && onToday && sent.length === 1 && !readDraft()) {
      // As after any Save: the result page says what to do now.
      store(() => sessionStorage.setItem(FLASH, fill(T.saved, sent[0].label)));
      location.assign(sent[0].resultUrl);
      return;
    }
    sent.forEach((item) => notice("sent-" + item.clientKey, "success", fill(T.saved, item.label), {
      actions: [{ href: item.resultUrl, text: T.see_result }],
    }));
  }

  function takeBack(item) {
    // The server asked a question about a queued entry: put it back in the form.
    Outbox.remove(item.clientKey);
    const fields = item.autoTime
      ? item.fields.map(([name, value]) => [name, name === "measured_at" ? "" : value])
      : item.fields;
    const draft = { clientKey: item.clientKey, fields, savedAt: Date.now(), status: "editing" };
    if (onToday && !readDraft()) {
      writeDraft(draft);
      restore(draft);
      notice("offline", "warning", fill(T.rejected, item.label), { focus: true });
    }
  }

  async function send(navigate) {
    window.clearTimeout(retry);
    const queued = owner ? (await Outbox.list(owner)).filter((i) => i.state === "queued") : [];
    if (owner && !queued.length) {
      await showSent(navigate);
      return;
    }
    if (navigator.onLine === false) {
      if (queued.length) showQueued(false);
      return;
    }
    if (queued.length) notice("offline", "info", fill(T.sending, queued[0].label));
    const result = await Outbox.flush();
    if (result.failed || result.signIn) {
      if (queued.length) notice("offline", "warning", fill(T.not_sent, queued[0].label));
      if (result.failed) retry = window.setTimeout(() => send(navigate), RETRY_MS);
      return;
    }
    dropNotice("offline");
    result.rejected.forEach(takeBack);
    if (!owner && result.owner) {
      // A page without the diary's context (settings, help): say so in place.
      (await Outbox.takeSent(result.owner)).forEach((item) => notice(
        "sent-" + item.clientKey, "success", fill(T.saved, item.label),
        { actions: [{ href: item.resultUrl, text: T.see_result }] },
      ));
      return;
    }
    await showSent(navigate);
  }

  async function queue(draft) {
    const fields = draft.fields.slice();
    const time = fields.find(([name]) => name === "measured_at");
    const autoTime = !time || !time[1];
    if (autoTime) {
      // Sent later, it must still say when it was measured: when Save was pressed.
      const value = localInput(draft.submittedAt || draft.savedAt);
      if (time) time[1] = value;
      else fields.push(["measured_at", value]);
    }
    await Outbox.add({
      clientKey: draft.clientKey,
      owner,
      fields,
      autoTime,
      label: label(draft.submittedAt || draft.savedAt),
      savedAt: draft.submittedAt || draft.savedAt,
      urls: cfg.urls,
    });
    removeDraft();
    registerSync();
  }

  // --- the diary form -----------------------------------------------------------------

  function snapshot() {
    return Array.from(new FormData(form).entries())
      .filter(([name, value]) => name !== "csrfmiddlewaretoken" && typeof value === "string");
  }

  function restore(draft) {
    const values = new Map();
    draft.fields.forEach(([name, value]) => {
      if (!values.has(name)) values.set(name, []);
      values.get(name).push(value);
    });
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "submit" || el.type === "button") return;
      const got = values.get(el.name) || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = got.includes(el.value);
      else if (el.tagName === "SELECT") {
        Array.from(el.options).forEach((o) => { o.selected = got.includes(o.value); });
      } else if (got.length) el.value = got[0];
      else if (el.type !== "hidden") el.value = "";
      // Show what was put back, even inside a closed "Other measurements".
      const filled = el.type === "radio" || el.type === "checkbox" ? el.checked : el.value !== "";
      const details = el.closest("details");
      if (details && filled && el.type !== "hidden") details.open = true;
    });
  }

  function saveDraft() {
    writeDraft({ clientKey: keyField.value, fields: snapshot(), savedAt: Date.now(), status: "editing" });
  }

  const keyField = onToday ? form.elements.namedItem("client_key") : null;
  const checksNode = document.getElementById("diary-checks");
  const checks = checksNode ? JSON.parse(checksNode.textContent) : null;
  let lastQueued = null; // when an entry was last kept on the phone, until something is typed
  const SECOND_TAP_MS = 30 * 1000;

  // --- offline, the server's checks before an entry is kept (symptoms/forms.py) -------
  // An entry kept on the phone must not be refused when it is sent: the patient would
  // read "could not be saved" about an entry they were told was saved.

  // Characters as the server counts them: the browser sends each line break as two.
  function characters(text) {
    return Array.from(text.replace(/\r?\n/g, "\r\n")).length;
  }

  function check(fields) {
    if (!checks) return null;
    const C = checks.text;
    const get = (name) => {
      const found = fields.filter(([n]) => n === name).pop();
      return found ? String(found[1]).trim() : "";
    };
    const redFlag = checks.redFlags.some((name) => get(name));
    const typed = get("temperature");
    const unit = get("unit");
    if (typed && checks.limits[unit]) {
      // As the server reads it: one decimal comma, or a point; "+", spaces and trailing
      // zeros are fine ("38,60" is 38.6); more than one decimal place that is not zero is not.
      const text = /^[+]?\d*,\d*$/.test(typed) ? typed.replace(",", ".") : typed;
      const parts = /^[+]?(\d*)(?:\.(\d*))?$/.exec(text);
      if (!parts || !(parts[1] || parts[2])) return { text: C.number };
      const value = Number(`${parts[1] || "0"}.${parts[2] || "0"}`);
      const oneDecimal = /^\d?0*$/.test(parts[2] || "");
      const tenths = Math.round(value * 10);
      const within = (u) => value >= Number(checks.limits[u][0]) && value <= Number(checks.limits[u][1]);
      if (!within(unit)) {
        const other = unit === "C" ? "F" : "C";
        let message = C.notBody[unit].replace("{value}", typed);
        if (within(other) && oneDecimal) {
          message += " " + C.otherUnit.replaceAll("{value}", typed).replaceAll("{other}", other);
        }
        return { text: message };
      }
      if (!oneDecimal) return { text: C.decimals };
      const celsius = unit === "F" ? Math.round(((tenths - 320) * 5) / 9) : tenths;
      const [low, high] = checks.usualTenths;
      // The server's key (symptoms/forms.py, unusual_key): the reading to one decimal place.
      const key = (tenths / 10).toFixed(1) + unit;
      const answered = [get("confirm_unusual"), get("answered_unusual")].includes(key);
      if ((celsius < low || celsius > high) && !redFlag && !answered) {
        return { question: { reading: `${typed}\u00a0°${unit}`, key, low: celsius < low } };
      }
    }
    // The rest of what the server refuses: a vital sign out of range, a note too long.
    for (const [name, [lowest, highest]] of Object.entries(checks.vitals)) {
      const vital = get(name);
      if (vital && !(/^\d+$/.test(vital) && Number(vital) >= lowest && Number(vital) <= highest)) {
        return { text: C.vital.replace("{value}", vital).replace("{low}", lowest).replace("{high}", highest) };
      }
    }
    const noteLength = characters(get("note"));
    if (noteLength > checks.noteLimit) return { text: C.note.replace("{n}", noteLength) };
    if (get("planned_vaccine_live") && !get("planned_vaccine")) return { text: C.vaccine };
    if (redFlag) return null; // a warning sign is always saved
    const graded = fields
      .filter(([name, value]) => name.startsWith("s_") && value && value !== "0")
      .map(([name]) => name);
    const something = typed || graded.length || Object.keys(checks.vitals).some((name) => get(name)) ||
      get("note") || get("planned_vaccine") || get("antipyretic_6h");
    const fine = get("action") === "fine" || get("fine_chosen");
    if (!something && !fine) return { text: C.nothing };
    const needing = graded.filter((name) => checks.needTemperature[name])
      .map((name) => checks.needTemperature[name]);
    if (needing.length && !typed && !get("no_thermometer")) {
      return { text: C.needTemperature.replace("{symptoms}", needing.join(", ")) };
    }
    return null;
  }

  // For the browser journeys: the same key and answers as the server, for any input.
  window.DiaryChecks = { check };

  function keepOffline(fields) {
    const problem = check(fields);
    if (problem && problem.question) {
      const q = problem.question;
      const C = checks.text;
      notice("offline", "warning", [
        C.question.replace("{reading}", q.reading), C.callFirst, q.low ? C.low : C.high,
      ].join(" "), {
        focus: true,
        actions: [
          { href: `tel:${checks.emergencyNumber}`, text: C.call, style: "btn-danger" },
          {
            text: C.yes.replace("{reading}", q.reading),
            onClick: () => keepOffline([...fields, ["confirm_unusual", q.key]]),
          },
        ],
      });
      return;
    }
    if (problem) {
      // Nothing is kept: the form still holds what was typed, as after the server's answer.
      notice("offline", "warning", problem.text, { focus: true });
      return;
    }
    const now = Date.now();
    const draft = { clientKey: keyField.value, fields, savedAt: now, submittedAt: now, status: "submitted" };
    writeDraft(draft);
    queue(draft).then(() => {
      form.reset();
      keyField.value = newKey();
      lastQueued = Date.now();
      dropNotice("restored");
      showQueued(true);
    });
  }

  async function setUpForm() {
    // The worker's copy of the form has no key of its own: each entry gets a new one.
    if (cfg.offlineCopy || !keyField.value) keyField.value = newKey();
    let draft = readDraft();
    if (draft && draft.status !== "submitted" && Date.now() - draft.savedAt > DRAFT_MAX_AGE_MS) {
      removeDraft();
      draft = null;
    }
    if (draft && cfg.posted && draft.clientKey === keyField.value) {
      // The server answered Save with a question: the form shows what was typed.
      saveDraft();
    } else if (draft && draft.status === "submitted") {
      // Save was pressed but never reached the result page: send it now.
      await queue(draft);
    } else if (draft) {
      restore(draft);
      notice("restored", "info", fill(T.restored, label(draft.savedAt)), {
        actions: [{
          text: T.discard,
          style: "btn-outline-dark",
          onClick: () => {
            removeDraft();
            form.reset();
            if (cfg.offlineCopy) keyField.value = newKey();
            notice("restored", "info", T.discarded, { focus: true });
          },
        }],
      });
    } else {
      const rejected = (await Outbox.list(owner)).filter((i) => i.state === "rejected");
      if (rejected.length) takeBack(rejected[0]);
    }

    // A second tap: Save pressed again within SECOND_TAP_MS of an entry kept on the phone,
    // with nothing typed in between. That entry is kept once; anything typed makes a new one
    // (each kept entry has its own client key, so a key is never reused).
    const typed = () => { lastQueued = null; };
    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    form.addEventListener("submit", (event) => {
      const offline = navigator.onLine === false;
      if (offline && lastQueued && Date.now() - lastQueued < SECOND_TAP_MS) {
        event.preventDefault(); // that entry is kept on the phone already
        showQueued(true);
        return;
      }
      const fields = snapshot();
      if (event.submitter && event.submitter.name) {
        fields.push([event.submitter.name, event.submitter.value]);
      }
      if (!offline) {
        const now = Date.now();
        writeDraft({ clientKey: keyField.value, fields, savedAt: now, submittedAt: now, status: "submitted" });
        return; // the normal Save; the draft covers a failure
      }
      event.preventDefault();
      keepOffline(fields);
    });

    const showOffline = () => {
      if (navigator.onLine === false && !document.getElementById("diary-notice-offline")) {
        notice("offline", "warning", T.offline);
      }
    };
    window.addEventListener("offline", showOffline);
    showOffline();
  }

  // --- every page of a diary user -----------------------------------------------------

  async function start() {
    if (cfg.savedClientKey && owner) {
      const draft = readDraft();
      if (draft && draft.clientKey === cfg.savedClientKey) removeDraft();
      await Outbox.remove(cfg.savedClientKey);
    }
    const flash = store(() => sessionStorage.getItem(FLASH));
    if (flash) {
      store(() => sessionStorage.removeItem(FLASH));
      notice("flash", "success", flash);
    }
    if (onToday) await setUpForm();
    await send(true);
    window.addEventListener("online", () => send(true));

    if (owner && navigator.onLine !== false && !cfg.offlineCopy) {
      const last = Number(store((s) => s.getItem(COPIED_PREFIX + owner)) || 0);
      if (Date.now() - last > COPY_EVERY_MS) {
        store((s) => s.setItem(COPIED_PREFIX + owner, String(Date.now())));
        askWorker({ type: "copy-form" });
      }
    }
  }

  start().catch((error) => console.error("diary-offline:", error));
})();

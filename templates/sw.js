/* The diary's service worker (served by diary_site.views.service_worker at /sw.js).

   What it keeps in Cache Storage (docs/security.md, "On the phone"):
   - the app shell: the layout's CSS, JS and icons, and an offline page with no one's data;
   - one copy of the empty diary form of the person signed in (OFFLINE_COPY_CACHE),
     fetched with ?offline=1 so that it holds no entries, no questions
     and no messages; kept at most 12 hours (a session's life) and deleted at logout.
   Nothing else: every other page goes to the network and is never stored.

   It also sends entries queued while offline (static/js/outbox.js) on Background Sync,
   and shows push notifications (reach/push.py): a neutral title and sentence, never
   anyone's health; a click opens the diary's page the message links to. */
"use strict";

// Rendered by the view as JSON: URLs and names, no one's data.
const CONFIG = {{ config|safe }};
const VERSION = CONFIG.version;
const SHELL_CACHE = "diary-shell-" + VERSION;
const OFFLINE_COPY_CACHE = CONFIG.offlineCache;
const TODAY = CONFIG.today;
const OFFLINE_PAGE = CONFIG.offlinePage;
const STATIC_PREFIX = CONFIG.staticUrl;
const SHELL = CONFIG.shell;
// A session ends 12 hours after login (settings.SESSION_COOKIE_AGE): an older copy of the
// form belongs to a session that has ended, so it is not shown.
const COPY_MAX_AGE_MS = 12 * 60 * 60 * 1000;
const COPY_TIME_HEADER = "X-Diary-Copied-At";

importScripts(CONFIG.outbox);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      // Without cookies: the offline page must not name whoever installed the worker.
      cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" })))
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("diary-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name))
    )).then(() => self.clients.claim())
  );
});

async function offlineCopy() {
  const cache = await caches.open(OFFLINE_COPY_CACHE);
  const copy = await cache.match(TODAY);
  if (!copy) return null;
  const copiedAt = Number(copy.headers.get(COPY_TIME_HEADER) || 0);
  if (Date.now() - copiedAt > COPY_MAX_AGE_MS) {
    await cache.delete(TODAY);
    return null;
  }
  return copy;
}

async function fallback(url) {
  if (url.pathname === TODAY) {
    const copy = await offlineCopy();
    if (copy) return copy;
  }
  const page = await caches.match(OFFLINE_PAGE);
  return page || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Other forms (the team's, the admin's) are left to the browser.
    if (request.method !== "GET" && url.pathname !== TODAY) return;
    // Always the network first: a page is never served from a cache while online. A
    // failed POST of the diary form lands on the form's copy, where the script finds
    // the entry it kept and queues it.
    event.respondWith(fetch(request).catch(() => fallback(url)));
    return;
  }
  if (request.method === "GET" && url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request))
    );
  }
});

async function copyForm() {
  const response = await fetch(TODAY + "?" + CONFIG.offlineParam + "=1", {
    credentials: "same-origin",
    cache: "no-store",
  });
  const cache = await caches.open(OFFLINE_COPY_CACHE);
  if (!response.ok || response.redirected) {
    // Signed out, or no diary of one's own: keep no copy.
    await cache.delete(TODAY);
    return false;
  }
  const headers = new Headers(response.headers);
  headers.set(COPY_TIME_HEADER, String(Date.now()));
  const body = await response.blob();
  await cache.put(TODAY, new Response(body, { status: 200, headers }));
  return true;
}

async function tellPages(message) {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage(message));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "copy-form") {
    event.waitUntil(copyForm().catch(() => false));
  } else if (data.type === "forget-form") {
    event.waitUntil(caches.delete(OFFLINE_COPY_CACHE));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== DiaryOutbox.SYNC_TAG) return;
  event.waitUntil(
    DiaryOutbox.flush().then((result) => {
      tellPages({ type: "outbox-flushed" });
      // Rejecting asks the browser to try again later (with its own back-off).
      if (result.failed) throw new Error("not all sent");
    })
  );
});

// --- push notifications ---------------------------------------------------------------

// A link from a message, as a path on this diary's own origin; anything else opens home.
function ownPage(link) {
  let url;
  try {
    url = new URL(link || "/", self.location.origin);
  } catch (error) {
    return "/";
  }
  if (url.origin !== self.location.origin) return "/";
  return url.pathname + url.search + url.hash;
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const options = {
    body: message.body || "",
    lang: message.lang || "",
    icon: CONFIG.icon,
    data: { url: ownPage(message.url) },
  };
  if (message.tag) {
    // A newer message about the same thing replaces the older one, and still alerts.
    options.tag = message.tag;
    options.renotify = true;
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Kesimpta diary", options)
  );
});

// Open `link` in a window of the diary already open (navigated there and brought to the
// front), else in a new one.
async function openFromNotification(link) {
  const url = new URL(ownPage(link), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin) continue;
    try {
      // navigate() only works on a window this worker controls; others are skipped.
      const navigated = await client.navigate(url);
      if (navigated) {
        await navigated.focus().catch(() => null);
        return navigated;
      }
    } catch (error) {
      // Not ours to steer: try the next, or open a new window.
    }
  }
  return self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(openFromNotification(data.url));
});

/* The outbox: diary entries saved on this phone (IndexedDB) until the server has them.

   Used by the page (static/js/diary-offline.js) and by the service worker (/sw.js), so that
   an entry is sent when the phone is back online, on the next page load, or by Background
   Sync. Each entry carries the client key the server saves once: sending it twice saves it
   once. An entry is sent only in a session of the same person (its owner), with a fresh
   CSRF token asked for just before. What is stored, and when it is deleted:
   docs/security.md, "On the phone". */
(function (scope) {
  "use strict";

  const DB_NAME = "diary-outbox";
  const QUEUE = "entries";
  const SENT = "sent";
  const SYNC_TAG = "diary-outbox";

  function open() {
    return new Promise((resolve, reject) => {
      const request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore(QUEUE, { keyPath: "clientKey" });
        db.createObjectStore(SENT, { keyPath: "clientKey" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // Run fn(stores) in one transaction; resolves with fn's result once it has committed.
  async function inTransaction(names, mode, fn) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(names, mode);
        let value;
        Promise.resolve(fn(names.map((name) => tx.objectStore(name)))).then((v) => { value = v; });
        tx.oncomplete = () => resolve(value);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  function requestValue(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function all(store) {
    return inTransaction([store], "readonly", ([s]) => requestValue(s.getAll()));
  }

  function add(item) {
    return inTransaction([QUEUE], "readwrite", ([s]) => { s.put({ state: "queued", ...item }); });
  }

  function remove(clientKey) {
    return inTransaction([QUEUE], "readwrite", ([s]) => { s.delete(clientKey); });
  }

  async function list(owner) {
    return (await all(QUEUE)).filter((item) => item.owner === owner);
  }

  // The entries sent since the page last looked (by this page or the worker), forgotten now.
  async function takeSent(owner) {
    const sent = (await all(SENT)).filter((item) => item.owner === owner);
    if (sent.length) {
      await inTransaction([SENT], "readwrite", ([s]) => {
        sent.forEach((item) => s.delete(item.clientKey));
      });
    }
    return sent;
  }

  // The result page of an entry, from the URL of entry 0 ("/diary/entries/0/").
  function isResultPage(path, resultOfZero) {
    const [head, tail] = resultOfZero.split("/0/");
    return path.startsWith(head + "/") && path.endsWith("/" + tail) &&
      /^\d+$/.test(path.slice(head.length + 1, path.length - tail.length - 1));
  }

  function body(item, csrfToken) {
    const form = new URLSearchParams();
    item.fields.forEach(([name, value]) => {
      if (name !== "csrfmiddlewaretoken") form.append(name, value);
    });
    form.append("csrfmiddlewaretoken", csrfToken);
    return form;
  }

  async function flushNow() {
    const result = { owner: null, sent: [], rejected: [], signIn: false, failed: false };
    const queued = (await all(QUEUE)).filter((item) => item.state === "queued");
    if (!queued.length) return result;
    let session;
    try {
      const response = await fetch(queued[0].urls.token, {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
      });
      if (response.status === 401) {
        result.signIn = true;
        return result;
      }
      if (!response.ok) throw new Error("token " + response.status);
      session = await response.json();
    } catch (error) {
      result.failed = true;
      return result;
    }
    result.owner = session.owner;
    // Another person's entries wait for their own session.
    for (const item of queued.filter((entry) => entry.owner === session.owner)) {
      let response;
      try {
        response = await fetch(item.urls.today, {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: { "X-CSRFToken": session.csrfToken },
          body: body(item, session.csrfToken),
        });
      } catch (error) {
        result.failed = true;
        break;
      }
      const path = new URL(response.url).pathname;
      if (response.ok && isResultPage(path, item.urls.result)) {
        const sent = {
          clientKey: item.clientKey, owner: item.owner, label: item.label,
          resultUrl: path, sentAt: Date.now(),
        };
        await inTransaction([QUEUE, SENT], "readwrite", ([q, s]) => {
          q.delete(item.clientKey);
          s.put(sent);
        });
        result.sent.push(sent);
      } else if (path === item.urls.login) {
        result.signIn = true;
        break;
      } else if (response.ok && path === item.urls.today) {
        // The form came back with a question (a value to check): the person must see it.
        const rejected = { ...item, state: "rejected" };
        await add(rejected);
        result.rejected.push(rejected);
      } else {
        result.failed = true;
        break;
      }
    }
    return result;
  }

  // One sender at a time across the page's tabs and the worker.
  function flush() {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request(DB_NAME, flushNow) : flushNow();
  }

  scope.DiaryOutbox = { SYNC_TAG, add, remove, list, takeSent, flush, isResultPage };
})(self);

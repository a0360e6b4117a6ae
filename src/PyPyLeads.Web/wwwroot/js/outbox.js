// The phone's outbox: contacts saved on "Log a contact" wait in IndexedDB (they survive closing the browser) until
// the server has said what became of each. Each entry carries its submission key, sent unchanged on every try, so a
// send whose answer was lost (the connection dropped after the server saved it) is answered by the server with the
// first result and saves nothing twice (src/PyPyLeads/Submissions). Loaded on every page of a signed-in user: the
// outbox is sent at each visit, when the connection comes back, and after a failed try with a growing pause. The
// server's answer decides (LogContact/OutboxAnswers.cs): saved (gone), needs-choice (kept, marked), refused (kept
// with the messages). A contact is only sent as the user who saved it. Also registers the service worker (sw.js)
// and drops the signed-in user's cached pages at sign-out.
(function () {
    'use strict';
    var DB_NAME = 'pypyleads';
    var STORE = 'outbox';
    var USER_CACHE = 'pypyleads-user-v1';
    var FORM_URL = '/log-contact';
    var DATA_URL = '/log-contact/offline-data';
    var RETRY_SECONDS = [2, 5, 15, 30, 60];

    var supported = 'indexedDB' in window && 'fetch' in window && 'Promise' in window;
    var listeners = [];
    var retryTimer = null;
    var retries = 0;
    var state = { offline: !navigator.onLine, signedOut: false, problem: null, userId: null };

    function request(r) {
        return new Promise(function (resolve, reject) {
            r.onsuccess = function () { resolve(r.result); };
            r.onerror = function () { reject(r.error); };
        });
    }

    function openDb() {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: 'key' }); };
        return request(open);
    }

    // One transaction; resolves once it has committed, so a put is on disk before the page says "saved on this phone".
    function withStore(mode, work) {
        return openDb().then(function (db) {
            return new Promise(function (resolve, reject) {
                var tx = db.transaction(STORE, mode);
                var result;
                tx.oncomplete = function () { db.close(); resolve(result); };
                tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
                request(work(tx.objectStore(STORE))).then(function (value) { result = value; });
            });
        });
    }

    function all() {
        return withStore('readonly', function (store) { return store.getAll(); }).then(function (entries) {
            return entries.sort(function (a, b) { return a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : 0; });
        });
    }

    function get(key) { return withStore('readonly', function (store) { return store.get(key); }); }

    function put(entry) { return withStore('readwrite', function (store) { return store.put(entry); }).then(notify); }

    function remove(key) { return withStore('readwrite', function (store) { return store.delete(key); }).then(notify); }

    function newKey() {
        return crypto.randomUUID ? crypto.randomUUID().replace(/-/g, '') :
            Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    }

    function subscribe(listener) { listeners.push(listener); }

    function notify() { listeners.forEach(function (listener) { listener(state); }); }

    function clearUserCache() {
        return 'caches' in window ? caches.delete(USER_CACHE).catch(function () { return false; }) : Promise.resolve(false);
    }

    // Who is signed in, and a token for the posts: always the server's word (X-Network-Only), never a kept copy.
    // Resolves to the data, 'signed-out' or 'offline'.
    function freshData() {
        return fetch(DATA_URL, {
            headers: { 'Accept': 'application/json', 'X-Network-Only': '1' }, credentials: 'same-origin', redirect: 'manual', cache: 'no-store',
        }).then(function (response) {
            if (response.type === 'opaqueredirect' || response.status === 401 || response.status === 403) {
                return 'signed-out';
            }
            if (!response.ok) {
                return 'offline';
            }
            return response.json();
        }, function () { return 'offline'; });
    }

    function post(entry, token, live) {
        var body = new URLSearchParams();
        entry.fields.forEach(function (pair) {
            if (pair[0] !== '__RequestVerificationToken' && pair[0] !== 'SubmissionKey') {
                body.append(pair[0], pair[1]);
            }
        });
        body.append('SubmissionKey', entry.key);
        body.append('__RequestVerificationToken', token);
        var headers = { 'Accept': 'application/json' };
        if (live) {
            headers['X-Outbox-Live'] = '1';
        }
        return fetch(FORM_URL, { method: 'POST', body: body, headers: headers, credentials: 'same-origin', redirect: 'manual' })
            .then(function (response) {
                if (response.type === 'opaqueredirect' || response.status === 401) {
                    return { kind: 'signed-out' };
                }
                if ((response.headers.get('Content-Type') || '').indexOf('application/json') === -1) {
                    return { kind: 'problem', status: response.status };
                }
                // A body cut off on the way is a lost answer like any other: the same key is sent again.
                return response.json().then(function (json) { return { kind: 'answer', json: json }; }, function () { return { kind: 'offline' }; });
            }, function () { return { kind: 'offline' }; });
    }

    function retryLater() {
        clearTimeout(retryTimer);
        var seconds = RETRY_SECONDS[Math.min(retries, RETRY_SECONDS.length - 1)];
        retries++;
        retryTimer = setTimeout(function () { send(); }, seconds * 1000);
    }

    // The answer's verdict on the entry, stored; the answer is returned for the page.
    function settle(entry, json) {
        if (json.status === 'saved') {
            return remove(entry.key);
        }
        entry.state = json.status === 'needs-choice' ? 'needs-choice' : 'refused';
        entry.message = json.message || null;
        entry.field = json.field || null;
        entry.errors = json.errors || null;
        entry.companies = json.companies || [];
        entry.people = json.people || [];
        entry.answeredAt = new Date().toISOString();
        return put(entry);
    }

    // One pass over the outbox (only: the key of the one entry to send, live: the person waits on the form).
    // Several tabs take turns (Web Locks), though the keys would make a race harmless anyway.
    function pass(options) {
        options = options || {};
        return all().then(function (entries) {
            if (options.only) {
                entries = entries.filter(function (e) { return e.key === options.only; });
            }
            if (entries.length === 0) {
                return { status: 'empty' };
            }
            if (!navigator.onLine) {
                state.offline = true; // the 'online' event sends them
                notify();
                return { status: 'offline' };
            }
            return freshData().then(function (data) {
                if (data === 'offline') {
                    state.offline = true;
                    notify();
                    retryLater();
                    return { status: 'offline' };
                }
                if (data === 'signed-out') {
                    state.signedOut = true;
                    notify();
                    return clearUserCache().then(function () { return { status: 'signed-out' }; });
                }
                state.offline = false;
                state.signedOut = false;
                state.problem = null;
                state.userId = data.userId;
                var mine = entries.filter(function (e) { return e.userId === data.userId; });
                if (options.only && mine.length === 0) {
                    notify();
                    return { status: 'other-user' };
                }
                var last = { status: 'empty' };
                var saved = 0;
                var i = 0;
                function next() {
                    if (i >= mine.length) {
                        retries = 0;
                        if (saved > 0) {
                            keepDataAgain(); // the type-ahead's copy of the recent companies now has these
                        }
                        notify();
                        return last;
                    }
                    var entry = mine[i++];
                    return post(entry, data.token, options.live).then(function (answer) {
                        if (answer.kind === 'offline') {
                            state.offline = true;
                            notify();
                            retryLater();
                            return { status: 'offline' };
                        }
                        if (answer.kind === 'signed-out') {
                            state.signedOut = true;
                            notify();
                            return { status: 'signed-out' };
                        }
                        if (answer.kind === 'problem') {
                            state.problem = 'The server could not take a contact (HTTP ' + answer.status + '); it stays on this phone and is sent again shortly.';
                            notify();
                            retryLater();
                            return { status: 'problem' };
                        }
                        last = { status: answer.json.status, json: answer.json };
                        saved += answer.json.status === 'saved' ? 1 : 0;
                        return settle(entry, answer.json).then(next);
                    });
                }
                return next();
            });
        });
    }

    function send(options) {
        if (!supported) {
            return Promise.resolve({ status: 'unsupported' });
        }
        var run = function () { return pass(options); };
        return (navigator.locks ? navigator.locks.request('pypyleads-outbox', run) : run()).catch(function (error) {
            state.problem = 'The outbox could not be read: ' + error;
            notify();
            return { status: 'problem' };
        });
    }

    // The form page and the offline data are kept by the worker (sw.js) when its copy is missing or older than
    // KEEP_FRESH_MS: asked from any page, so the form works offline even if it was not opened since the last sign-in.
    var KEEP_FRESH_MS = 10 * 60 * 1000;
    function keepFormForOffline() {
        return navigator.serviceWorker.ready.then(function (registration) {
            return caches.open(USER_CACHE).then(function (cache) { return cache.match(FORM_URL); }).then(function (kept) {
                var keptAt = kept ? Date.parse(kept.headers.get('Date') || '') : NaN;
                if (!(kept && Date.now() - keptAt < KEEP_FRESH_MS) && registration.active) {
                    registration.active.postMessage('keep-form');
                }
            });
        }).catch(function () { return null; });
    }

    function keepDataAgain() {
        if ('serviceWorker' in navigator) {
            navigator.serviceWorker.ready.then(function (registration) {
                if (registration.active) {
                    registration.active.postMessage('keep-data');
                }
            }).catch(function () { return null; });
        }
    }

    window.PyPyLeadsOutbox = {
        supported: supported,
        state: state,
        newKey: newKey,
        all: all,
        get: get,
        put: put,
        remove: remove,
        subscribe: subscribe,
        freshData: freshData,
        /** Sends every waiting entry of the signed-in user. */
        send: function () { return send(); },
        /** Sends one entry while its author waits on the form. */
        sendNow: function (key) { return send({ only: key, live: true }); },
    };

    if (!supported) {
        return;
    }
    window.addEventListener('online', function () {
        state.offline = false;
        notify();
        send();
    });
    window.addEventListener('offline', function () {
        state.offline = true;
        notify();
    });

    // Signing out drops this user's kept pages first: the next person on this phone finds none of them.
    document.querySelectorAll('form[action$="/account/signout"]').forEach(function (form) {
        var clearing = false;
        form.addEventListener('submit', function (event) {
            if (clearing) {
                return;
            }
            event.preventDefault();
            clearing = true;
            clearUserCache().then(function () { form.submit(); });
        });
    });

    if ('serviceWorker' in navigator) {
        navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(keepFormForOffline).catch(function () { /* the form still works online */ });
    }
    // Every visit: what waits is sent (a page reopened after the browser was closed, the next page after a reconnect).
    send();
})();

// PyPyLeads' service worker: keeps what "Log a contact" needs with no signal, and nothing else. The form page and
// the caller's offline data (/log-contact/offline-data: who is signed in, their recent companies) are fetched from the
// network first and kept for when it fails; the form's CSS, scripts and icons are served from the cache and refreshed
// behind it. Every other page goes straight to the network and is never stored, so no other page, and no other
// user's data, stays on the phone. The signed-in user's copies are dropped when the server answers "sign in"
// (signed out, session expired), on a visit to the sign-in page, and by the sign-out button (outbox.js).
// The queued contacts themselves live in IndexedDB (outbox.js), which this worker does not touch.
'use strict';

var STATIC_CACHE = 'pypyleads-static-v1';
var USER_CACHE = 'pypyleads-user-v1';
var FORM = '/log-contact';
var DATA = '/log-contact/offline-data';
// On a hallway's weak signal, wait this long for the network before showing the kept copy.
var NETWORK_WAIT_MS = 4000;

self.addEventListener('install', function () {
    self.skipWaiting();
});

self.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name !== STATIC_CACHE && name !== USER_CACHE; })
            .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
});

// A page asks for the form to be kept (outbox.js, at each visit when the copy is missing or old): fetched here, so
// it works whether or not that page is controlled yet (one opened before this worker took over is not).
self.addEventListener('message', function (event) {
    if (event.data === 'keep-form') {
        event.waitUntil(Promise.all([keep(FORM), keep(DATA)]).catch(function () { return null; }));
    } else if (event.data === 'keep-data') {
        event.waitUntil(keep(DATA).catch(function () { return null; }));
    }
});

// X-Offline-Copy: the server leaves the one-line flash of the person's last action for the page they are going to.
function keep(key) {
    return fetch(key, { credentials: 'same-origin', redirect: 'manual', headers: key === DATA ? { 'Accept': 'application/json' } : { 'X-Offline-Copy': '1' } })
        .then(function (response) {
            if (response.ok && response.type === 'basic') {
                return caches.open(USER_CACHE).then(function (cache) { return put(cache, key, response); });
            }
            return response.type === 'opaqueredirect' || response.status === 401 ? caches.delete(USER_CACHE) : null;
        });
}

function isStatic(url) {
    return /^\/(css|js|lib)\//.test(url.pathname) ||
        /^\/(icon-192\.png|icon-512\.png|icon\.svg|apple-touch-icon\.png|favicon\.ico|site\.webmanifest)$/.test(url.pathname);
}

self.addEventListener('fetch', function (event) {
    var request = event.request;
    if (request.method !== 'GET') {
        return; // posts (the outbox's sends) go to the network as they are
    }
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) {
        return;
    }
    if (url.pathname === FORM && url.search === '') {
        event.respondWith(userCopy(event, request, FORM));
    } else if (url.pathname === DATA) {
        event.respondWith(userCopy(event, request, DATA));
    } else if (isStatic(url)) {
        event.respondWith(staticAsset(event, request));
    } else if (url.pathname.toLowerCase() === '/account/signin' && request.mode === 'navigate') {
        event.waitUntil(caches.delete(USER_CACHE)); // whoever signs in next must not find this user's copies
    }
});

// The network's answer, kept when it is the signed-in user's page; the kept copy when the network fails or is slow.
// X-Network-Only (the outbox, before it sends) wants the server's word, never a copy.
function userCopy(event, request, key) {
    var network = fetch(request).then(function (response) {
        var keeping = null;
        if (response.ok && response.type === 'basic' && !response.redirected) {
            var copy = response.clone();
            keeping = caches.open(USER_CACHE).then(function (cache) { return put(cache, key, copy); });
        } else if (response.type === 'opaqueredirect' || response.redirected || response.status === 401) {
            // The sign-in page instead: signed out or expired. Nothing of this user is served from here on.
            keeping = caches.delete(USER_CACHE);
        }
        return { response: response, keeping: keeping };
    });
    // Kept alive until the copy is stored, even when the kept copy answered first.
    event.waitUntil(network.then(function (r) { return r.keeping; }).catch(function () { return null; }));
    var fromNetwork = network.then(function (r) { return r.response; });
    if (request.headers.get('X-Network-Only')) {
        return fromNetwork;
    }
    var slow = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS); });
    return Promise.race([fromNetwork.catch(function () { return null; }), slow]).then(function (response) {
        if (response) {
            return response;
        }
        return caches.open(USER_CACHE).then(function (cache) { return cache.match(key, { ignoreVary: true }); })
            .then(function (kept) { return kept || fromNetwork; });
    });
}

// The form is kept without the flash line of whatever was done just before, which would show again offline.
function put(cache, key, response) {
    if (key !== FORM) {
        return cache.put(key, response);
    }
    return response.text().then(function (html) {
        var page = html.replace(/<div [^>]*data-testid="flash(-error)?"[^>]*>[\s\S]*?<\/div>/g, '');
        return cache.put(key, new Response(page, { status: response.status, statusText: response.statusText, headers: response.headers }))
            .then(function () { return keepAssetsOf(page); });
    });
}

// The scripts, styles and icons the form page names, so that it works offline even when it was first opened
// before this worker took over.
function keepAssetsOf(html) {
    return Promise.resolve(html).then(function (html) {
        var urls = [];
        var pattern = /(?:src|href)="(\/[^"]+)"/g;
        var match;
        while ((match = pattern.exec(html)) !== null) {
            var url = new URL(match[1].replace(/&amp;/g, '&'), self.location.origin);
            if (isStatic(url)) {
                urls.push(url.pathname + url.search);
            }
        }
        return caches.open(STATIC_CACHE).then(function (cache) {
            return Promise.all(urls.map(function (url) {
                return cache.match(url).then(function (kept) {
                    return kept ? null : fetch(url, { credentials: 'same-origin' }).then(function (r) {
                        return r.ok ? cache.put(url, r) : null;
                    }).catch(function () { return null; });
                });
            }));
        });
    });
}

// Versioned URLs (?v=...) never change: the kept copy is served, and refreshed behind it for the unversioned ones.
function staticAsset(event, request) {
    return caches.open(STATIC_CACHE).then(function (cache) {
        return cache.match(request).then(function (kept) {
            function network() {
                return fetch(request).then(function (response) {
                    if (response.ok && response.type === 'basic') {
                        event.waitUntil(cache.put(request, response.clone()));
                    }
                    return response;
                });
            }
            if (!kept) {
                return network();
            }
            if (!new URL(request.url).searchParams.has('v')) {
                event.waitUntil(network().catch(function () { return null; }));
            }
            return kept;
        });
    });
}

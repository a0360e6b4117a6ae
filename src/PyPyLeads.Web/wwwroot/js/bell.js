// Keeps the bell's unread count current without a reload: asks the app every few seconds while the tab is visible.
(function () {
    "use strict";
    var bell = document.querySelector("[data-testid=bell]");
    if (!bell) {
        return;
    }
    var badge = bell.querySelector(".bell-count");
    var url = bell.getAttribute("data-count-url");

    function show(count) {
        badge.textContent = String(count);
        badge.classList.toggle("d-none", count === 0);
        bell.setAttribute("aria-label", "Notifications: " + count + " unread");
    }

    function refresh() {
        if (document.hidden) {
            return;
        }
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (body) { if (body && typeof body.count === "number") { show(body.count); } })
            .catch(function () { /* offline for a moment: try again next time */ });
    }

    window.setInterval(refresh, 5000);
    document.addEventListener("visibilitychange", refresh);
})();

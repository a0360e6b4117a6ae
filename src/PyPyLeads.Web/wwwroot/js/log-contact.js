// Type-ahead over existing companies for "Log a contact". Without this script the form still works: the server
// shows a matching company and offers to use it. Built with DOM methods only (textContent), so names are never HTML.
(function () {
    'use strict';
    var input = document.getElementById('CompanyName');
    var hiddenId = document.getElementById('CompanyId');
    var list = document.getElementById('company-suggestions');
    var chosen = document.getElementById('company-chosen');
    var chosenName = document.getElementById('company-chosen-name');
    if (!input || !hiddenId || !list) {
        return;
    }
    var url = input.getAttribute('data-suggest-url');
    var timer = null;
    var latest = 0;
    var chosenText = hiddenId.value ? input.value : null;

    function hide() {
        list.hidden = true;
        list.replaceChildren();
        input.setAttribute('aria-expanded', 'false');
    }

    function choose(company) {
        input.value = company.name;
        hiddenId.value = String(company.id);
        chosenText = company.name;
        if (chosen && chosenName) {
            chosenName.textContent = company.name;
            chosen.hidden = false;
        }
        hide();
    }

    function show(companies) {
        list.replaceChildren();
        companies.forEach(function (company) {
            var item = document.createElement('button');
            item.type = 'button';
            item.className = 'list-group-item list-group-item-action';
            item.setAttribute('role', 'option');
            item.setAttribute('data-testid', 'company-suggestion');
            var name = document.createElement('strong');
            name.textContent = company.name;
            item.appendChild(name);
            var more = [company.domain, company.city].filter(Boolean).join(' · ');
            if (more) {
                var small = document.createElement('div');
                small.className = 'small text-body-secondary';
                small.textContent = more;
                item.appendChild(small);
            }
            item.addEventListener('click', function () { choose(company); });
            list.appendChild(item);
        });
        list.hidden = companies.length === 0;
        input.setAttribute('aria-expanded', companies.length ? 'true' : 'false');
    }

    // No connection: the user's own recent companies, kept by the service worker (/log-contact/offline-data),
    // whose name has a word starting with what was typed.
    function offlineMatches(q) {
        var typed = q.toLowerCase();
        return fetch('/log-contact/offline-data', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
            .then(function (response) { return response.ok ? response.json() : { companies: [] }; })
            .then(function (data) {
                return (data.companies || []).filter(function (c) {
                    return c.name.toLowerCase().split(/[\s,.\-]+/).some(function (word) { return word.indexOf(typed) === 0; }) ||
                        c.name.toLowerCase().indexOf(typed) === 0;
                }).slice(0, 8);
            });
    }

    function lookUp() {
        var q = input.value.trim();
        if (q.length < 2) {
            hide();
            return;
        }
        var ticket = ++latest;
        fetch(url + '?q=' + encodeURIComponent(q), { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
            .then(function (response) { return response.ok ? response.json() : []; })
            .catch(function () { return offlineMatches(q); })
            .then(function (companies) {
                if (ticket === latest) {
                    show(companies);
                }
            })
            .catch(hide);
    }

    input.addEventListener('input', function () {
        // Typing something else than the chosen company's name un-chooses it.
        if (chosenText !== null && input.value !== chosenText) {
            hiddenId.value = '';
            chosenText = null;
            if (chosen) {
                chosen.hidden = true;
            }
        }
        clearTimeout(timer);
        timer = setTimeout(lookUp, 200);
    });
    input.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') {
            hide();
        }
    });
    document.addEventListener('click', function (event) {
        if (!list.contains(event.target) && event.target !== input) {
            hide();
        }
    });
})();

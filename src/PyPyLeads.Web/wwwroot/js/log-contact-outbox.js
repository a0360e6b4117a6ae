// "Save the contact" through the phone's outbox (outbox.js). Every save is first stored on the phone with its
// submission key, then sent at once: saved, the company's page opens as before; no connection (or one that fails on
// the way), it stays on the phone and the page says so, ready for the next contact; signed out, the page says so and
// keeps it. When the server needs a choice (a company or person already there) or refuses a field, the form is sent
// the ordinary way with the entry's key (OutboxKey), so the server shows its usual page with the matches or the
// messages beside the fields, and the choice made there saves that entry, once. Without IndexedDB the form posts as
// it always did. Built with DOM methods only (textContent), so typed names are never HTML.
document.addEventListener('DOMContentLoaded', function () {
    'use strict';
    var outbox = window.PyPyLeadsOutbox;
    var form = document.getElementById('log-contact-form');
    var section = document.getElementById('outbox');
    var status = document.getElementById('outbox-status');
    var list = document.getElementById('outbox-list');
    if (!outbox || !outbox.supported || !form || !section || !status || !list) {
        return;
    }
    var userId = form.getAttribute('data-user-id');
    var keyField = form.querySelector('input[name=SubmissionKey]');
    var outboxKeyField = form.querySelector('input[name=OutboxKey]');
    // A page kept by the service worker carries the key it was first shown with: each contact gets its own.
    var currentKey = outboxKeyField && outboxKeyField.value ? outboxKeyField.value : outbox.newKey();
    if (keyField) {
        keyField.value = currentKey;
    }
    var busy = false;
    var ordinary = false;
    var lastSaved = null; // the message after a contact was kept on the phone

    function fieldsOf(submitter) {
        var data;
        try {
            data = submitter ? new FormData(form, submitter) : new FormData(form);
        } catch (e) {
            data = new FormData(form);
        }
        var fields = [];
        data.forEach(function (value, name) {
            if (typeof value === 'string') {
                fields.push([name, value]);
            }
        });
        return fields;
    }

    function value(fields, name) {
        for (var i = 0; i < fields.length; i++) {
            if (fields[i][0] === name) {
                return fields[i][1];
            }
        }
        return '';
    }

    function label(entry) {
        var company = value(entry.fields, 'CompanyName').trim() || 'No company name';
        var person = value(entry.fields, 'PersonName').trim();
        return person ? company + ' · ' + person : company;
    }

    // This user's entries, but the one open in the form right now (its choice is being made below).
    function mine(entries) {
        return entries.filter(function (e) { return e.userId === userId && !(outboxKeyField && e.key === outboxKeyField.value); });
    }

    function waitingText(count) {
        return count === 1 ? '1 waiting' : count + ' waiting';
    }

    function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text) {
            node.textContent = text;
        }
        return node;
    }

    function firstError(entry) {
        var errors = entry.errors || {};
        for (var field in errors) {
            if (Object.prototype.hasOwnProperty.call(errors, field) && errors[field].length) {
                // A follow-up time that passed while the contact waited on the phone is said so, not moved.
                return field === 'FollowUp.DueLocal'
                    ? 'Follow-up: ' + errors[field][0] + ' (its time passed while the contact waited on this phone; choose a new one)'
                    : errors[field][0];
            }
        }
        return 'The server refused this contact.';
    }

    function render() {
        return outbox.all().then(function (entries) {
            var own = mine(entries);
            var others = entries.filter(function (e) { return e.userId !== userId; }).length;
            list.replaceChildren();
            own.forEach(function (entry) {
                var item = el('li', 'list-group-item');
                item.setAttribute('data-testid', 'outbox-entry');
                item.setAttribute('data-state', entry.state);
                item.appendChild(el('div', 'fw-semibold text-break', label(entry)));
                var saved = new Date(entry.savedAt);
                var note = entry.state === 'needs-choice' ? 'Needs a choice: ' + (entry.message || 'a company or person already matches.')
                    : entry.state === 'refused' ? 'Not saved: ' + firstError(entry)
                    : 'Waiting to be sent (saved on this phone at ' + saved.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + ')';
                var noteEl = el('div', 'small text-break ' + (entry.state === 'waiting' ? 'text-body-secondary' : 'text-danger'), note);
                noteEl.setAttribute('data-testid', 'outbox-entry-note');
                item.appendChild(noteEl);
                var actions = el('div', 'd-flex gap-2 mt-2 flex-wrap');
                if (entry.state !== 'waiting') {
                    var open = el('button', 'btn btn-sm btn-primary', entry.state === 'needs-choice' ? 'Choose' : 'Edit');
                    open.type = 'button';
                    open.addEventListener('click', function () { openEntry(entry); });
                    actions.appendChild(open);
                }
                var discard = el('button', 'btn btn-sm btn-outline-danger', 'Discard');
                discard.type = 'button';
                discard.addEventListener('click', function () {
                    if (window.confirm('Discard the contact with ' + label(entry) + '? It is on this phone only and will be lost.')) {
                        outbox.remove(entry.key).then(render);
                    }
                });
                actions.appendChild(discard);
                item.appendChild(actions);
                list.appendChild(item);
            });

            var waiting = own.filter(function (e) { return e.state === 'waiting'; }).length;
            var lines = [];
            var signInLink = false;
            if (outbox.state.signedOut && own.length > 0) {
                lines.push('You are signed out: sign in again to send the contacts saved on this phone (' + waitingText(own.length) + '). They stay here until then.');
                signInLink = true;
            } else if (lastSaved !== null && waiting > 0) {
                lines.push(lastSaved + ' (' + waitingText(waiting) + ')');
            } else if (waiting > 0) {
                lines.push(outbox.state.offline
                    ? 'No connection: saved on this phone; it will be sent when you are online (' + waitingText(waiting) + ')'
                    : 'Sending what was saved on this phone (' + waitingText(waiting) + ')');
            }
            if (own.length > waiting && !outbox.state.signedOut) {
                lines.push('The server needs you to look at ' + (own.length - waiting === 1 ? 'one contact' : (own.length - waiting) + ' contacts') + ' below.');
            }
            if (outbox.state.problem && own.length > 0) {
                lines.push(outbox.state.problem);
            }
            if (others > 0) {
                lines.push(others + ' saved on this phone by another account wait for it to sign in.');
            }
            status.replaceChildren();
            lines.forEach(function (line) { status.appendChild(el('div', null, line)); });
            if (signInLink) {
                var link = el('a', 'alert-link', 'Sign in again');
                link.href = '/account/signin?ReturnUrl=' + encodeURIComponent('/log-contact');
                link.setAttribute('data-testid', 'outbox-sign-in');
                status.appendChild(link);
            }
            status.className = 'alert py-2 ' + (outbox.state.signedOut ? 'alert-warning' : 'alert-info');
            section.hidden = lines.length === 0 && own.length === 0;
        });
    }

    // A new contact: the page as it was first shown, a new key.
    function startAfresh() {
        form.reset();
        if (outboxKeyField) {
            outboxKeyField.remove();
            outboxKeyField = null;
        }
        var chosen = document.getElementById('company-chosen');
        var companyId = document.getElementById('CompanyId');
        var personId = document.getElementById('PersonId');
        if (companyId) {
            companyId.value = '';
        }
        if (personId) {
            personId.value = '';
        }
        if (chosen) {
            chosen.hidden = true;
        }
        form.querySelectorAll('[data-valmsg-for]').forEach(function (m) { m.textContent = ''; });
        currentKey = outbox.newKey();
        if (keyField) {
            keyField.value = currentKey;
        }
        window.scrollTo(0, 0);
    }

    function fill(entry) {
        var byName = {};
        entry.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
        Array.prototype.forEach.call(form.elements, function (input) {
            if (!input.name || input.type === 'submit' || input.type === 'button' || input.name === '__RequestVerificationToken' || input.name === 'SubmissionKey') {
                return;
            }
            var values = byName[input.name] || [];
            if (input.type === 'checkbox' || input.type === 'radio') {
                input.checked = values.indexOf(input.value) !== -1;
            } else if (input.type !== 'hidden' || input.name === 'CompanyId' || input.name === 'PersonId') {
                input.value = values.length ? values[0] : '';
            }
        });
    }

    function setOutboxKey(key) {
        if (!outboxKeyField) {
            outboxKeyField = document.createElement('input');
            outboxKeyField.type = 'hidden';
            outboxKeyField.name = 'OutboxKey';
            form.appendChild(outboxKeyField);
        }
        outboxKeyField.value = key;
        currentKey = key;
        if (keyField) {
            keyField.value = key;
        }
    }

    // The entry back in the form. Refused: the messages beside their fields. Needs a choice: online, the server's
    // own page with the matches (posted with the entry's key); offline, the form with a note until the connection returns.
    function openEntry(entry) {
        startAfresh();
        fill(entry);
        setOutboxKey(entry.key);
        var errors = entry.state === 'refused' ? (entry.errors || {}) : {};
        if (entry.state === 'needs-choice' && entry.field) {
            errors[entry.field] = [entry.message + (navigator.onLine ? '' : ' The matches are shown once you are online.')];
        }
        Object.keys(errors).forEach(function (field) {
            var message = form.querySelector('[data-valmsg-for="' + field + '"]');
            if (message) {
                message.textContent = errors[field].join(' ');
                message.className = 'field-validation-error';
            }
        });
        if (entry.state === 'needs-choice' && navigator.onLine) {
            sendOrdinary(null);
            return;
        }
        var first = form.querySelector('.field-validation-error');
        (first || form).scrollIntoView({ block: 'center' });
    }

    // The ordinary post of the form (the server's page answers), with a token valid for the cookie now.
    function sendOrdinary(submitter) {
        outbox.freshData().then(function (data) {
            if (!data || !data.token) {
                // Signed out or offline meanwhile: the entry stays in the outbox, and the status says why.
                outbox.state.signedOut = data === 'signed-out';
                outbox.state.offline = data === 'offline';
                busy = false;
                return render();
            }
            var token = form.querySelector('input[name=__RequestVerificationToken]');
            if (token) {
                token.value = data.token;
            }
            ordinary = true;
            if (submitter && form.requestSubmit) {
                form.requestSubmit(submitter);
            } else {
                form.submit();
            }
        });
    }

    form.addEventListener('submit', function (event) {
        if (ordinary) {
            return;
        }
        event.preventDefault();
        if (busy) {
            return; // a double tap: the first one is on its way
        }
        busy = true;
        var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
        var key = currentKey;
        var entry = { key: key, userId: userId, savedAt: new Date().toISOString(), fields: fieldsOf(submitter), state: 'waiting' };
        outbox.get(key).then(function (existing) {
            if (existing) {
                entry.savedAt = existing.savedAt; // edited: it keeps its place in the queue
            }
            return outbox.put(entry);
        }).then(function () {
            return outbox.sendNow(key);
        }).then(function (result) {
            if (result.status === 'saved') {
                window.location.assign(result.json.companyUrl);
                return;
            }
            if (result.status === 'needs-choice' || result.status === 'refused') {
                setOutboxKey(key);
                sendOrdinary(submitter);
                return;
            }
            lastSaved = result.status === 'signed-out' ? null : 'Saved on this phone; it will be sent when you are online';
            startAfresh();
            busy = false;
            return render();
        }, function (error) {
            // IndexedDB refused (private mode, a full disk): the form posts as it always did, nothing is lost.
            window.console && console.warn('Outbox unavailable, posting the form directly', error);
            ordinary = true;
            form.submit();
        });
    });

    outbox.subscribe(function () { render(); });
    render();
});

// Keeps the import's progress bar moving; reloads the page (to show the result) when the import has finished.
(function () {
    'use strict';
    var box = document.getElementById('import-progress');
    if (!box) {
        return;
    }
    var url = box.getAttribute('data-progress-url');
    var bar = box.querySelector('progress');
    var processed = document.getElementById('import-processed');

    function poll() {
        fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
            .then(function (response) { return response.json(); })
            .then(function (status) {
                if (bar) {
                    bar.max = status.total;
                    bar.value = status.processed;
                }
                if (processed) {
                    processed.textContent = String(status.processed);
                }
                if (status.state !== 'Importing') {
                    window.location.reload();
                } else {
                    setTimeout(poll, 1000);
                }
            })
            .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 1000);
})();

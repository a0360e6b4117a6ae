// Drag and drop on the pipeline board. Each card already has a plain form (a stage list and a Move button) that
// works without JavaScript; dropping a card on another column just chooses that column's stage and sends the form.
(function () {
  'use strict';
  var board = document.querySelector('.board');
  if (!board) { return; }
  var dragged = null;

  board.addEventListener('dragstart', function (e) {
    var card = e.target.closest && e.target.closest('.deal-card[draggable="true"]');
    if (!card) { return; }
    dragged = card;
    card.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', card.getAttribute('data-deal-id'));
  });

  board.addEventListener('dragend', function () {
    if (dragged) { dragged.classList.remove('dragging'); }
    dragged = null;
    board.querySelectorAll('.drop-target').forEach(function (c) { c.classList.remove('drop-target'); });
  });

  function columnOf(e) { return e.target.closest && e.target.closest('.board-column'); }

  board.addEventListener('dragover', function (e) {
    var column = columnOf(e);
    if (!dragged || !column || column.contains(dragged)) { return; }
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    column.classList.add('drop-target');
  });

  board.addEventListener('dragleave', function (e) {
    var column = columnOf(e);
    if (column && !column.contains(e.relatedTarget)) { column.classList.remove('drop-target'); }
  });

  board.addEventListener('drop', function (e) {
    var column = columnOf(e);
    if (!dragged || !column || column.contains(dragged)) { return; }
    e.preventDefault();
    var form = dragged.querySelector('form.deal-move');
    var select = form && form.querySelector('select[name="Stage"]');
    if (!select) { return; }
    select.value = column.getAttribute('data-stage');
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  // Filters apply as soon as one is chosen (the Filter button stays for browsers without script).
  document.querySelectorAll('.deal-filters select').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
})();

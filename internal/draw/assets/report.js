// The report's behaviour: file and view switching, synchronised pan and
// zoom of the old and new drawings, overlay with an opacity slider,
// layer toggles, the change list (click: zoom to and flash the items)
// and hover details. No network, no libraries.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('cvc-data').textContent);
  function $(s, r) { return (r || document).querySelector(s); }
  function $$(s, r) { return Array.prototype.slice.call((r || document).querySelectorAll(s)); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  var state = { file: 0, view: {}, mode: 'side', vb: {} };
  var sections = $$('#stage > section.file');
  var stage = $('#stage');
  var fileSel = $('#file');
  var tip = $('#tip');

  data.files.forEach(function (f, i) {
    var o = el('option', '', f.path);
    o.value = String(i);
    fileSel.appendChild(o);
  });
  fileSel.hidden = data.files.length < 2;
  fileSel.addEventListener('change', function () { showFile(+fileSel.value); });

  function cur() { return data.files[state.file]; }
  function curView() {
    var name = state.view[state.file];
    return cur().views.filter(function (v) { return v.name === name; })[0];
  }
  function viewEl(name) {
    return $$('.view', sections[state.file]).filter(function (v) { return v.dataset.view === name; })[0];
  }
  function key() { return state.file + '/' + state.view[state.file]; }

  function showFile(i) {
    state.file = i;
    fileSel.value = String(i);
    sections.forEach(function (s, k) { s.classList.toggle('on', k === i); });
    var tabs = $('#tabs');
    tabs.textContent = '';
    cur().views.forEach(function (v) {
      var b = el('button', '', v.title);
      b.type = 'button';
      b.dataset.view = v.name;
      b.addEventListener('click', function () { showView(v.name); });
      tabs.appendChild(b);
    });
    renderList();
    document.body.classList.toggle('textfile', !!cur().text);
    if (cur().text) { $('#layers').textContent = ''; return; }
    var first = cur().views[0];
    if (first) showView(state.view[i] || first.name);
  }

  function showView(name) {
    var f = cur();
    var v = f.views.filter(function (x) { return x.name === name; })[0];
    if (!v) return;
    state.view[state.file] = name;
    var ve = viewEl(name);
    // A view not shown yet waits as text: parse it now.
    var lazy = ve.querySelector('script[type="text/x-cvc-view"]');
    if (lazy) {
      ve.insertAdjacentHTML('beforeend', lazy.textContent);
      lazy.remove();
    }
    $$('.view', sections[state.file]).forEach(function (e) { e.classList.toggle('on', e.dataset.view === name); });
    $$('#tabs button').forEach(function (b) { b.classList.toggle('on', b.dataset.view === name); });
    $('.pane.old .cap', ve).textContent = 'old · ' + f.old;
    $('.pane.new .cap', ve).textContent = 'new · ' + f.new + (v.simplified ? ' · simplified: ' + v.simplified : '');
    renderLayers(v, ve);
    arrange();
    applyVB(state.vb[key()] || v.fit.slice());
    setOpacity();
  }

  // Side by side means one above the other when that shows the drawing
  // much bigger (a wide board in a wide window).
  function arrange() {
    var v = curView(), ve = v && viewEl(v.name);
    if (!ve) return;
    var r = stage.getBoundingClientRect(), fw = v.fit[2] || 1, fh = v.fit[3] || 1;
    var beside = Math.min(r.width / 2 / fw, r.height / fh), stacked = Math.min(r.width / fw, r.height / 2 / fh);
    ve.classList.toggle('stack', stacked > beside * 1.3);
  }
  window.addEventListener('resize', arrange);

  function applyVB(vb) {
    state.vb[key()] = vb;
    var s = vb.map(function (n) { return +n.toPrecision(7); }).join(' ');
    $$('svg.cvc', viewEl(state.view[state.file])).forEach(function (svg) { svg.setAttribute('viewBox', s); });
    document.body.dataset.viewbox = s;
  }

  function renderLayers(v, ve) {
    var box = $('#layers');
    box.textContent = '';
    v.layers.concat([{ name: 'changes', title: 'Change boxes' }]).forEach(function (l) {
      var groups = $$('g[data-layer]', ve).filter(function (g) { return g.dataset.layer === l.name; });
      if (!groups.length) return;
      var lab = el('label');
      var cb = el('input');
      cb.type = 'checkbox';
      cb.dataset.layer = l.name;
      cb.checked = groups[0].getAttribute('display') !== 'none';
      cb.addEventListener('change', function () {
        groups.forEach(function (g) {
          if (cb.checked) g.removeAttribute('display'); else g.setAttribute('display', 'none');
        });
      });
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(' ' + l.title));
      box.appendChild(lab);
    });
  }

  // Modes: side by side, or the new version over the old one.
  var opacity = $('#opacity');
  $$('#bar [data-mode]').forEach(function (b) {
    b.addEventListener('click', function () { setMode(b.dataset.mode); });
  });
  function setMode(m) {
    state.mode = m;
    document.body.classList.toggle('overlay', m === 'overlay');
    $$('#bar [data-mode]').forEach(function (b) { b.classList.toggle('on', b.dataset.mode === m); });
    setOpacity();
  }
  function setOpacity() {
    var a = state.mode === 'overlay' ? opacity.value / 100 : 1;
    $$('.pane.new').forEach(function (p) { p.style.opacity = String(a); });
  }
  opacity.addEventListener('input', setOpacity);

  // Pan with a drag, zoom with the wheel about the pointer, fit.
  function toUser(svg, x, y) {
    var m = svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    var p = svg.createSVGPoint();
    p.x = x; p.y = y;
    return p.matrixTransform(m.inverse());
  }
  var drag = null;
  stage.addEventListener('pointerdown', function (e) {
    var svg = e.target.closest && e.target.closest('svg.cvc');
    if (!svg || e.button !== 0) return;
    var m = svg.getScreenCTM();
    drag = { x: e.clientX, y: e.clientY, k: m ? 1 / m.a : 1, vb: state.vb[key()].slice(), moved: false, pane: svg.parentNode };
    drag.pane.classList.add('dragging');
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener('pointermove', function (e) {
    if (!drag) { hover(e); return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) applyVB([drag.vb[0] - dx * drag.k, drag.vb[1] - dy * drag.k, drag.vb[2], drag.vb[3]]);
  });
  stage.addEventListener('pointerup', function (e) {
    if (!drag) return;
    drag.pane.classList.remove('dragging');
    var moved = drag.moved;
    drag = null;
    if (!moved) pick(e);
  });
  stage.addEventListener('wheel', function (e) {
    var svg = e.target.closest && e.target.closest('svg.cvc');
    if (!svg) return;
    e.preventDefault();
    var f = Math.exp(Math.max(-300, Math.min(300, e.deltaY)) * 0.0015);
    var p = toUser(svg, e.clientX, e.clientY);
    var vb = state.vb[key()];
    applyVB([p.x - (p.x - vb[0]) * f, p.y - (p.y - vb[1]) * f, vb[2] * f, vb[3] * f]);
  }, { passive: false });
  function fit() { var v = curView(); if (v) applyVB(v.fit.slice()); }
  $('#fit').addEventListener('click', fit);
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'f' || e.key === 'F') && !e.ctrlKey && !e.metaKey && e.target.tagName !== 'INPUT' && e.target.tagName !== 'SELECT') fit();
  });

  // The change list.
  function renderList() {
    listUpTo = function () {};
    var list = $('#list');
    list.textContent = '';
    if (data.files.length > 1) {
      list.appendChild(el('h2', '', 'Files'));
      var ul = el('ul', 'files');
      data.files.forEach(function (f, i) {
        var li = el('li', i === state.file ? 'on' : '', f.path + (f.text ? ' (text)' : ' (' + f.changes.length + ')'));
        li.addEventListener('click', function () { showFile(i); });
        ul.appendChild(li);
      });
      list.appendChild(ul);
    }
    var f = cur();
    list.appendChild(el('h2', '', f.path));
    if (f.note) list.appendChild(el('p', 'note', f.note));
    if (f.text) return;
    var n = { added: 0, removed: 0, changed: 0 };
    f.changes.forEach(function (c) { if (n[c.status] != null) n[c.status]++; });
    var counts = el('div', 'counts');
    counts.appendChild(el('span', 'c-added', '+' + n.added + ' added'));
    counts.appendChild(el('span', 'c-removed', '−' + n.removed + ' removed'));
    counts.appendChild(el('span', 'c-changed', '~' + n.changed + ' changed'));
    list.appendChild(counts);
    f.views.forEach(function (v) {
      if (v.simplified) list.appendChild(el('p', 'note', v.title + ' simplified: ' + v.simplified + '.'));
    });
    if (!f.changes.length) list.appendChild(el('p', 'note', 'No changes recorded for this file.'));
    // A long list (a whole big file added lists every part) is shown a
    // thousand entries at a time.
    var ol = el('ol', 'changes'), more = el('button', 'more'), shown = 0;
    more.type = 'button';
    listUpTo = function (i) {
      if (i < shown) return;
      var end = Math.min(f.changes.length, Math.max(i + 1, shown + 1000)), frag = document.createDocumentFragment();
      for (; shown < end; shown++) frag.appendChild(entry(f.changes[shown], shown));
      ol.appendChild(frag);
      more.hidden = shown >= f.changes.length;
      more.textContent = 'Show more (' + (f.changes.length - shown) + ' not shown)';
    };
    more.addEventListener('click', function () { listUpTo(shown); });
    list.appendChild(ol);
    list.appendChild(more);
    listUpTo(0);
  }
  var listUpTo = function () {};

  function entry(c, i) {
    var li = el('li', 'st-' + c.status + (c.boxes ? '' : ' nodraw'));
    li.dataset.c = String(i);
    li.appendChild(el('span', 'kind', c.kind));
    li.appendChild(document.createTextNode(c.summary));
    li.title = c.boxes ? 'Show on the drawing' : 'Not on the drawing';
    li.addEventListener('click', function () { focusChange(i); });
    return li;
  }

  function select(i) {
    $$('#list li.sel').forEach(function (x) { x.classList.remove('sel'); });
    listUpTo(i);
    var li = $('#list ol.changes') && $('#list ol.changes').children[i];
    if (li) { li.classList.add('sel'); li.scrollIntoView({ block: 'nearest' }); }
  }

  // focusChange selects change i, shows the view it is drawn in, zooms
  // to its items on both sides and flashes them.
  function focusChange(i) {
    var f = cur(), c = f.changes[i];
    select(i);
    if (!c.boxes) return;
    var view = c.boxes[state.view[state.file]] ? state.view[state.file]
      : f.views.filter(function (v) { return c.boxes[v.name]; })[0].name;
    if (view !== state.view[state.file]) showView(view);
    var b = null;
    c.boxes[view].forEach(function (x) {
      if (!x) return;
      if (!b) { b = x.slice(); return; }
      var x2 = Math.max(b[0] + b[2], x[0] + x[2]), y2 = Math.max(b[1] + b[3], x[1] + x[3]);
      b[0] = Math.min(b[0], x[0]); b[1] = Math.min(b[1], x[1]);
      b[2] = x2 - b[0]; b[3] = y2 - b[1];
    });
    var fitBox = curView().fit;
    var least = Math.max(fitBox[2], fitBox[3]) * 0.08;
    var w = Math.max(b[2] * 2.5, least), h = Math.max(b[3] * 2.5, least);
    applyVB([b[0] + b[2] / 2 - w / 2, b[1] + b[3] / 2 - h / 2, w, h]);
    flash(i);
    document.body.dataset.zoomed = String(i);
  }

  var flashTimer = 0, flashed = [];
  function flash(i) {
    flashed.forEach(function (e) { e.classList.remove('flash'); });
    flashed = $$('[data-c]', viewEl(state.view[state.file])).filter(function (e) {
      return e.getAttribute('data-c').split(' ').indexOf(String(i)) >= 0;
    });
    flashed.forEach(function (e) { e.getBoundingClientRect(); e.classList.add('flash'); });
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { flashed.forEach(function (e) { e.classList.remove('flash'); }); }, 2300);
  }

  // A click on a changed item selects its entry in the list.
  function pick(e) {
    var t = document.elementFromPoint(e.clientX, e.clientY);
    var it = t && t.closest && t.closest('svg.cvc [data-c]');
    if (it) select(+it.getAttribute('data-c').split(' ')[0]);
  }

  // Hover: the item's identity, and its change's old and new attributes.
  function hover(e) {
    var it = e.target.closest && e.target.closest('svg.cvc .it, svg.cvc [data-c]');
    if (!it) { tip.hidden = true; return; }
    var side = it.closest('svg.cvc').dataset.side === 'old' ? 0 : 1;
    var f = cur();
    tip.textContent = '';
    var id = [];
    ['data-ref', 'data-pin', 'data-id', 'data-conn', 'data-net'].forEach(function (a) {
      var v = it.getAttribute(a);
      if (v) id.push((a === 'data-net' ? 'net ' : '') + v);
    });
    tip.appendChild(el('div', '', id.join(' · ') || 'changed item'));
    var cs = it.getAttribute('data-c');
    if (cs) {
      cs.split(' ').forEach(function (k) {
        var c = f.changes[+k];
        if (!c) return;
        tip.appendChild(el('b', '', c.status + ': ' + c.summary));
        if (c.old) tip.appendChild(el('div', 'o', 'old: ' + c.old));
        if (c.new) tip.appendChild(el('div', 'n', 'new: ' + c.new));
      });
    } else {
      var ref = it.getAttribute('data-ref') || it.getAttribute('data-conn');
      var info = f.info && f.info[side] && ref && f.info[side][ref];
      if (info) tip.appendChild(el('div', '', info));
    }
    tip.hidden = false;
    var x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
    var y = Math.min(e.clientY + 14, window.innerHeight - tip.offsetHeight - 4);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  stage.addEventListener('mouseleave', function () { tip.hidden = true; });

  setMode('side');
  showFile(0);
})();

// edugov pages: charts from data-chart (ECharts options as JSON, so no
// inline scripts), and sortable tables (click a header).
(function () {
  // A number as reports print it: rounded to `digits`, thousands grouped.
  function number(v, digits) {
    var parts = Math.abs(v).toFixed(digits).split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (v < 0 && Number(parts.join('.').replace(/,/g, '')) !== 0 ? '-' : '') + parts.join('.');
  }
  // A change: signed, with its own suffix (percentage points for a rate).
  function change(d, digits, suffix) {
    var shown = Number(Math.abs(d).toFixed(digits));
    var sign = shown === 0 ? '' : (d > 0 ? '+' : '−');
    return sign + number(Math.abs(d), digits) + suffix;
  }
  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  // The `edugov` key of a chart's options (unit suffix, digits, the
  // suffix and label of a change) becomes formatters: functions cannot travel in
  // JSON, and the CSP allows no inline script.
  function formatters(option) {
    var e = option.edugov;
    delete option.edugov;
    if (!e) return option;
    var value = function (v) {
      return v === null || v === undefined || v === '-' ? '—' : number(Number(v), e.digits) + e.suffix;
    };
    option.tooltip = option.tooltip || {};
    option.tooltip.formatter = function (params) {
      var list = Array.isArray(params) ? params : [params];
      var lines = [escape(list.length ? list[0].axisValueLabel || list[0].name : '')];
      list.forEach(function (p) {
        var text = value(p.value);
        var series = option.series[p.seriesIndex];
        var data = series && series.type === 'line' ? series.data : null;
        var d = null;
        if (data && p.dataIndex > 0 && data[p.dataIndex] !== null && data[p.dataIndex - 1] !== null) {
          d = change(data[p.dataIndex] - data[p.dataIndex - 1], e.digits, e.change_suffix);
        }
        var name = series && series.type === 'line' && p.seriesName ? escape(p.seriesName) + ' ' : '';
        lines.push(p.marker + name + '<b>' + escape(text) + '</b>');
        if (d) lines.push(escape(e.change_label + ' ' + d));
      });
      return lines.join('<br>');
    };
    return option;
  }
  function charts() {
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = '1';
      var chart = echarts.init(el);
      chart.setOption(formatters(JSON.parse(el.dataset.chart)));
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }
  function cellValue(row, i) {
    var cell = row.children[i];
    if (!cell) return '';
    var v = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    var n = parseFloat(v.replace(/[,%∶:]/g, ''));
    return isNaN(n) ? v : n;
  }
  function sortable() {
    document.querySelectorAll('table.sortable th').forEach(function (th, _) {
      if (th.dataset.ready) return;
      th.dataset.ready = '1';
      th.addEventListener('click', function () {
        var table = th.closest('table');
        var i = Array.prototype.indexOf.call(th.parentNode.children, th);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.dataset.dir !== 'asc';
        th.parentNode.querySelectorAll('th').forEach(function (h) { delete h.dataset.dir; });
        th.dataset.dir = asc ? 'asc' : 'desc';
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          if (x === y) return 0;
          return (x > y ? 1 : -1) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function autosubmit() {
    document.querySelectorAll('select.autosubmit').forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = '1';
      el.addEventListener('change', function () { el.form.submit(); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { charts(); sortable(); autosubmit(); });
  document.addEventListener('htmx:afterSwap', function () { charts(); sortable(); });

  // Forms marked data-swap-errors (the import form) show error answers in
  // their target too (htmx swaps only 2xx): the server's own HTML answer
  // (a full queue, 503) is swapped as usual, anything else is shown as
  // text, and a failed send says so in the form's words.
  function swapsErrors(elt) {
    return elt && elt.closest ? elt.closest('[data-swap-errors]') : null;
  }
  function showText(target, text) {
    if (!target) return;
    var p = document.createElement('p');
    p.className = 'error';
    p.textContent = text;
    target.replaceChildren(p);
  }
  document.addEventListener('htmx:beforeSwap', function (e) {
    var xhr = e.detail.xhr;
    if (xhr.status < 400 || !swapsErrors(e.detail.elt)) return;
    if (/^text\/html/.test(xhr.getResponseHeader('Content-Type') || '')) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    } else {
      showText(e.detail.target, xhr.responseText);
    }
  });
  document.addEventListener('htmx:sendError', function (e) {
    var form = swapsErrors(e.detail.elt);
    if (form) showText(document.querySelector(form.getAttribute('hx-target')), form.dataset.sendFailed);
  });
})();

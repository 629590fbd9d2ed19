/**
 * The status page's script, inlined into the page. It renders /health and /api/status with
 * createElement and textContent only, never innerHTML, so a value such as a provider message that
 * contains markup shows as text. It refreshes itself every 10 s while the tab is visible.
 */
export const STATUS_PAGE_JS = String.raw`
(function () {
  'use strict';
  var REFRESH_MS = 10000;
  var data = JSON.parse(document.getElementById('initial-data').textContent || '{}');
  var skewMs = data.status ? Date.now() - Date.parse(data.status.generated_at) : 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function pill(kind, text, big) { return el('span', 'pill ' + kind + (big ? ' big' : ''), text); }
  function kindOf(state) {
    switch (String(state)) {
      case 'healthy': case 'validated': case 'pass': case 'ready': case 'true': return 'ok';
      case 'degraded': case 'skipped': case 'warn': case 'starting': return 'warn';
      case 'unknown': case 'not_configured': case 'unconfigured': case 'pending': case 'null': return 'unknown';
      default: return 'bad';
    }
  }
  function label(text) { return String(text == null ? 'unknown' : text).replace(/_/g, ' ').replace(/\bai\b/g, 'AI'); }
  function ago(iso) {
    if (!iso) return 'never';
    var seconds = Math.max(0, Math.round((Date.now() - skewMs - Date.parse(iso)) / 1000));
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h ago';
    return Math.round(seconds / 86400) + ' d ago';
  }
  function duration(seconds) {
    if (seconds < 120) return Math.round(seconds) + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' d';
  }
  function ms(value) {
    if (value === null || value === undefined) return '-';
    return value < 1000 ? Math.round(value) + ' ms' : (value / 1000).toFixed(2) + ' s';
  }
  function cell(row, heading, content, cls) {
    var td = el('td', cls);
    td.setAttribute('data-label', heading);
    if (content instanceof Node) td.appendChild(content); else td.textContent = content === null || content === undefined ? '' : String(content);
    row.appendChild(td);
    return td;
  }
  function stack(main, sub) {
    var box = el('span');
    box.appendChild(main instanceof Node ? main : el('span', '', main));
    if (sub) box.appendChild(el('span', 'sub', sub));
    return box;
  }
  function fill(id, node) {
    var target = document.getElementById(id);
    while (target.firstChild) target.removeChild(target.firstChild);
    if (node) target.appendChild(node);
  }
  function table(headings, items, build) {
    if (!items.length) return null;
    var tableNode = el('table');
    var head = el('tr');
    headings.forEach(function (heading) { head.appendChild(el('th', '', heading)); });
    var thead = el('thead');
    thead.appendChild(head);
    tableNode.appendChild(thead);
    var body = el('tbody');
    items.forEach(function (item) {
      var row = el('tr');
      build(row, item);
      body.appendChild(row);
    });
    tableNode.appendChild(body);
    return tableNode;
  }
  function section(id, count, empty, node) {
    document.getElementById(id + '-count').textContent = count;
    fill(id, node || el('div', 'empty', empty));
  }

  function renderProviders(all) {
    var providers = all.filter(function (p) { return p.configured; });
    var idle = all.filter(function (p) { return !p.configured; });
    var healthy = providers.filter(function (p) { return p.healthy; }).length;
    var box = el('div');
    var matrix = table(['Provider', 'State', 'Last validation', 'Latency', 'Details'], providers, function (row, p) {
      row.setAttribute('data-provider', p.id);
      cell(row, 'Provider', stack(el('span', 'name', p.id), p.model));
      var state = cell(row, 'State', stack(pill(kindOf(p.state), label(p.state)), p.healthy ? '' : label(p.reason)));
      state.setAttribute('data-state', p.state);
      var v = p.last_validation || {};
      cell(row, 'Last validation', v.result ? stack(pill(kindOf(v.result), label(v.result)), ago(v.at)) : el('span', 'sub', 'not run yet'));
      cell(row, 'Latency', ms(p.latency_ms), 'num');
      cell(row, 'Details', p.message, 'msg');
    });
    box.appendChild(matrix || el('div', 'empty', 'No AI provider has a key configured.'));
    if (idle.length) box.appendChild(el('div', 'empty', 'Not configured (no key): ' + idle.map(function (p) { return p.id; }).join(', ')));
    section('providers', providers.length ? healthy + ' of ' + providers.length + ' usable' : '', '', box);
  }
  function renderDependencies(deps) {
    var passing = deps.filter(function (d) { return d.latest && d.latest.ok; }).length;
    section('deps', deps.length ? passing + ' of ' + deps.length + ' passing' : '', 'No dependency probes are configured.',
      table(['Dependency', 'Result', 'Latency', 'Last run', 'Message'], deps, function (row, d) {
        row.setAttribute('data-probe', d.name);
        cell(row, 'Dependency', stack(el('span', 'name', d.name), d.type + (d.critical ? ', critical' : '') + ', every ' + duration(d.interval_seconds)));
        var result = d.latest ? (d.latest.ok ? 'pass' : 'fail') : 'unknown';
        cell(row, 'Result', stack(pill(kindOf(result), result), d.latest && !d.latest.ok ? label(d.latest.reason) : ''));
        cell(row, 'Latency', d.latest ? ms(d.latest.duration_ms) : '-', 'num');
        cell(row, 'Last run', d.latest ? ago(d.latest.started_at) : 'not run yet', 'num');
        cell(row, 'Message', d.latest ? d.latest.message : '', 'msg');
      }));
  }
  function renderLogs(sources) {
    section('logs', sources.length ? String(sources.length) : '', 'No log sources are configured.',
      table(['Source', 'Last line', 'Matched', 'Unmatched', 'Other'], sources, function (row, s) {
        var lines = s.lines || {};
        var other = Object.keys(lines).filter(function (k) { return k !== 'matched' && k !== 'unmatched'; })
          .map(function (k) { return label(k) + ' ' + lines[k]; }).join(', ');
        cell(row, 'Source', el('span', 'name', s.source));
        cell(row, 'Last line', ago(s.last_line_at), 'num');
        cell(row, 'Matched', lines.matched || 0, 'num');
        cell(row, 'Unmatched', lines.unmatched || 0, 'num');
        cell(row, 'Other', other || '-', 'msg');
      }));
  }
  function renderSelf(self) {
    var list = el('dl', 'facts');
    [
      ['Version', self.version + ' (Node ' + self.node_version + ')'],
      ['Up for', duration(self.uptime_seconds) + ', since ' + new Date(self.started_at).toLocaleString()],
      ['Own readiness', self.ready ? 'ready (every probe has run)' : 'starting (waiting for first results)'],
      ['Config', (self.config_reload_ok ? 'loaded ' : 'last reload REFUSED; loaded ') + ago(self.config_loaded_at)],
      ['Probes running now', self.probes_in_flight],
      ['Admin API', self.admin_api ? 'on (token required)' : 'off'],
    ].forEach(function (pair) { list.appendChild(el('dt', '', pair[0])); list.appendChild(el('dd', '', pair[1])); });
    fill('self', list);
  }
  function renderSummary(health, status) {
    var overall = document.getElementById('overall');
    overall.className = 'pill big ' + kindOf(health.status);
    overall.textContent = label(health.status);
    var box = el('div', 'summary');
    var deps = status.dependencies;
    [
      ['AI providers healthy', health.ai_providers.healthy + ' / ' + health.ai_providers.total_configured],
      ['Validated providers', health.bulletproof.providers_validated],
      ['Dependencies passing', deps.filter(function (d) { return d.latest && d.latest.ok; }).length + ' / ' + deps.length],
      ['Exporter', status.exporter.ready ? 'ready' : 'starting'],
    ].forEach(function (pair) {
      var card = el('div', 'card');
      card.appendChild(el('div', 'label', pair[0]));
      card.appendChild(el('div', 'value', pair[1]));
      box.appendChild(card);
    });
    fill('summary', box);
    var reasons = health.status_reasons || [];
    var target = document.getElementById('reasons');
    target.className = reasons.length ? 'reasons' + (health.status === 'unhealthy' ? ' bad' : '') : '';
    if (!reasons.length) { fill('reasons', null); return; }
    var list = el('ul');
    reasons.forEach(function (reason) { list.appendChild(el('li', '', reason)); });
    var wrap = el('div');
    wrap.appendChild(el('strong', '', 'Why ' + label(health.status) + ':'));
    wrap.appendChild(list);
    fill('reasons', wrap);
  }
  function render() {
    if (!data.health || !data.status) return;
    renderSummary(data.health, data.status);
    renderProviders(data.status.providers);
    renderDependencies(data.status.dependencies);
    renderLogs(data.status.log_sources);
    renderSelf(data.status.exporter);
    document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · refreshes every ' + REFRESH_MS / 1000 + ' s';
    document.body.setAttribute('data-rendered', String(Date.now()));
  }
  function getJson(path) {
    return fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } }).then(function (response) {
      if (response.status !== 200 && response.status !== 503) throw new Error(path + ' answered ' + response.status);
      return response.json();
    });
  }
  function refresh() {
    Promise.all([getJson('health'), getJson('api/status')]).then(function (bodies) {
      data = { health: bodies[0], status: bodies[1] };
      skewMs = Date.now() - Date.parse(data.status.generated_at);
      document.getElementById('banner').className = 'banner';
      render();
    }).catch(function (error) {
      var banner = document.getElementById('banner');
      banner.textContent = 'Cannot reach the exporter (' + error.message + '); showing the last state received.';
      banner.className = 'banner on';
    }).then(schedule);
  }
  function schedule() { setTimeout(function () { if (document.hidden) schedule(); else refresh(); }, REFRESH_MS); }
  render();
  schedule();
})();
`;

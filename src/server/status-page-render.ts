/**
 * The status page's renderer: one ES5 function, `renderStatusPage(data, nowMs)`, that turns
 * {health, status} into the HTML of each region of the page. The server runs it for the first
 * paint (the page reads without JavaScript), the browser runs the same source on every refresh.
 * Every value goes through `esc`, so a message with markup shows as text; no inline style or event
 * attribute is produced, so the page's strict Content-Security-Policy holds.
 */
export const STATUS_PAGE_RENDER_JS = String.raw`
function renderStatusPage(data, nowMs) {
  'use strict';
  var health = data.health, status = data.status;
  var skewMs = status && status.generated_at ? nowMs - Date.parse(status.generated_at) : 0;
  function esc(text) {
    return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  function kindOf(state) {
    switch (String(state)) {
      case 'healthy': case 'validated': case 'pass': case 'ready': case 'true': return 'ok';
      case 'degraded': case 'skipped': case 'warn': case 'starting': return 'warn';
      case 'unknown': case 'not_configured': case 'unconfigured': case 'pending': case 'null': return 'unknown';
      default: return 'bad';
    }
  }
  var RANK = { bad: 0, warn: 1, unknown: 2, ok: 3 };
  function label(text) { return String(text == null ? 'unknown' : text).replace(/_/g, ' ').replace(/\bai\b/g, 'AI'); }
  function pill(kind, text) { return '<span class="pill ' + kind + '">' + esc(text) + '</span>'; }
  function sub(text) { return text ? '<span class="sub">' + esc(text) + '</span>' : ''; }
  function agoText(iso) {
    var seconds = Math.max(0, Math.round((nowMs - skewMs - Date.parse(iso)) / 1000));
    if (seconds < 90) return seconds + ' s ago';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 172800) return Math.round(seconds / 3600) + ' h ago';
    return Math.round(seconds / 86400) + ' d ago';
  }
  function ago(iso) {
    if (!iso) return 'never';
    return '<time datetime="' + esc(iso) + '" title="' + esc(iso) + '">' + esc(agoText(iso)) + '</time>';
  }
  // Messages may carry ISO times; they read as relative times, the exact one on hover.
  function msg(text) {
    return esc(text).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, function (iso) { return ago(iso); });
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
  function pct(value) { return value === null || value === undefined ? '-' : (value === 100 ? '100' : value.toFixed(1)) + '%'; }
  // One wrapper per cell, so the phone's two-column card layout sees label and content only.
  function td(heading, content, cls) { return '<td data-label="' + esc(heading) + '"' + (cls ? ' class="' + cls + '"' : '') + '><div>' + content + '</div></td>'; }
  function table(headings, rows) {
    return '<table><thead><tr>' + headings.map(function (h) { return '<th>' + esc(h) + '</th>'; }).join('') + '</tr></thead><tbody>' + rows.join('') + '</tbody></table>';
  }
  // A strip of runs, oldest first: one mark per run, coloured by its result.
  function strip(marks, what) {
    if (!marks.length) return '<span class="sub">no runs yet</span>';
    var failed = marks.filter(function (m) { return m.kind !== 'ok'; }).length;
    return '<span class="strip" role="img" data-runs="' + marks.length + '" aria-label="' + esc('last ' + marks.length + ' ' + what + ': ' + (marks.length - failed) + ' passed, ' + failed + ' not') + '">' +
      marks.map(function (m) { return '<i class="r ' + m.kind + '" title="' + esc(m.title) + '"></i>'; }).join('') + '</span>';
  }
  // A latency sparkline as inline SVG (no style attribute; colours come from the stylesheet).
  function sparkline(values) {
    var points = values.filter(function (v) { return typeof v === 'number'; });
    if (points.length < 2) return '<span class="sub">-</span>';
    var max = Math.max.apply(null, points) || 1;
    var step = 100 / (points.length - 1);
    var coords = points.map(function (v, i) { return (i * step).toFixed(1) + ',' + (19 - (v / max) * 18).toFixed(1); }).join(' ');
    return '<svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none" role="img" aria-label="' + esc('latency of the last ' + points.length + ' runs, up to ' + ms(max)) + '"><polyline points="' + coords + '" fill="none"/></svg>';
  }
  function uptime(h) { return '<span class="uptime"><span>' + pct(h.uptime_1h) + ' <small>1 h</small></span><span>' + pct(h.uptime_24h) + ' <small>24 h</small></span></span>'; }
  function byProblems(items, kind) {
    return items.map(function (item, index) { return { item: item, index: index, rank: RANK[kind(item)] }; })
      .sort(function (a, b) { return a.rank - b.rank || a.index - b.index; }).map(function (x) { return x.item; });
  }

  function providers(all) {
    var configured = all.filter(function (p) { return p.configured; });
    var idle = all.filter(function (p) { return !p.configured; });
    var usable = configured.filter(function (p) { return p.healthy; }).length;
    var sorted = byProblems(configured, function (p) { return kindOf(p.state); });
    var rows = sorted.map(function (p) {
      var kind = kindOf(p.state);
      var v = p.last_validation || {};
      var h = p.history || { runs: [], uptime_1h: null, uptime_24h: null };
      var marks = h.runs.map(function (r) { return { kind: kindOf(r.result), title: r.at + ' ' + label(r.result) + (r.reason ? ' (' + label(r.reason) + ')' : '') + (r.latency_ms !== null ? ', ' + ms(r.latency_ms) : '') }; });
      return '<tr class="' + kind + '" data-provider="' + esc(p.id) + '">' +
        td('Provider', '<span class="name">' + esc(p.id) + '</span>' + sub(p.model), 'head') +
        td('State', '<span data-state="' + esc(p.state) + '">' + pill(kind, label(p.state)) + '</span>' + sub(p.healthy ? '' : label(p.reason)), 'head') +
        td('Recent validations', strip(marks, 'validations'), 'head') +
        td('Uptime', uptime(h), 'more num') +
        td('Last validation', v.result ? pill(kindOf(v.result), label(v.result)) + '<span class="sub">' + ago(v.at) + '</span>' : '<span class="sub">not run yet</span>', 'more') +
        td('Latency', ms(p.latency_ms) + sparkline(h.runs.map(function (r) { return r.latency_ms; })), 'more num') +
        td('Details', msg(p.message), 'more msg') + '</tr>';
    });
    var html = rows.length ? table(['Provider', 'State', 'Recent validations', 'Uptime', 'Last validation', 'Latency', 'Details'], rows) : '<div class="empty">No AI provider has a key configured.</div>';
    if (idle.length) html += '<div class="empty">Not configured (no key): ' + esc(idle.map(function (p) { return p.id; }).join(', ')) + '</div>';
    return { html: html, count: configured.length ? usable + ' of ' + configured.length + ' usable' : '' };
  }
  function probeMarks(h) { return (h ? h.runs : []).map(function (r) { return { kind: r.ok ? 'ok' : 'bad', title: r.at + (r.ok ? ' pass' : ' ' + label(r.reason)) + ', ' + ms(r.ms) }; }); }
  function dependencies(deps) {
    if (!deps.length) return { html: '<div class="empty">No dependency probes are configured.</div>', count: '' };
    var passing = deps.filter(function (d) { return d.latest && d.latest.ok; }).length;
    var kind = function (d) { return d.latest ? (d.latest.ok ? 'ok' : 'bad') : 'unknown'; };
    var rows = byProblems(deps, kind).map(function (d) {
      var h = d.history || { runs: [], uptime_1h: null, uptime_24h: null };
      var result = d.latest ? (d.latest.ok ? 'pass' : 'fail') : 'unknown';
      return '<tr class="' + kind(d) + '" data-probe="' + esc(d.name) + '">' +
        td('Dependency', '<span class="name">' + esc(d.name) + '</span>' + sub(d.type + (d.critical ? ', critical' : '') + ', every ' + duration(d.interval_seconds)), 'head') +
        td('Result', pill(kindOf(result), result) + sub(d.latest && !d.latest.ok ? label(d.latest.reason) : ''), 'head') +
        td('Recent runs', strip(probeMarks(h), 'runs'), 'head') +
        td('Uptime', uptime(h), 'more num') +
        td('Latency', (d.latest ? ms(d.latest.duration_ms) : '-') + sparkline(h.runs.map(function (r) { return r.ms; })), 'more num') +
        td('Last run', d.latest ? ago(d.latest.started_at) : 'not run yet', 'more num') +
        td('Message', msg(d.latest ? d.latest.message : ''), 'more msg') + '</tr>';
    });
    return { html: table(['Dependency', 'Result', 'Recent runs', 'Uptime', 'Latency', 'Last run', 'Message'], rows), count: passing + ' of ' + deps.length + ' passing' };
  }
  function logs(sources) {
    if (!sources.length) return { html: '<div class="empty">No log sources are configured.</div>', count: '' };
    var rows = sources.map(function (s) {
      var lines = s.lines || {};
      var other = Object.keys(lines).filter(function (k) { return k !== 'matched' && k !== 'unmatched'; }).map(function (k) { return label(k) + ' ' + lines[k]; }).join(', ');
      return '<tr data-source="' + esc(s.source) + '">' + td('Source', '<span class="name">' + esc(s.source) + '</span>') + td('Last line', ago(s.last_line_at), 'num') +
        td('Matched', esc(lines.matched || 0), 'num') + td('Unmatched', esc(lines.unmatched || 0), 'num') + td('Other', esc(other || '-'), 'msg') + '</tr>';
    });
    return { html: table(['Source', 'Last line', 'Matched', 'Unmatched', 'Other'], rows), count: String(sources.length) };
  }
  function self(e) {
    return '<dl class="facts">' + [
      ['Version', esc(e.version + ' (Node ' + e.node_version + ')')],
      ['Up for', esc(duration(e.uptime_seconds)) + ', since ' + ago(e.started_at)],
      ['Own readiness', esc(e.ready ? 'ready (every probe has run)' : 'starting (waiting for first results)')],
      ['Config', esc(e.config_reload_ok ? 'loaded ' : 'last reload REFUSED; loaded ') + ago(e.config_loaded_at)],
      ['Probes running now', esc(e.probes_in_flight)],
      ['Admin API', esc(e.admin_api ? 'on (token required)' : 'off')],
    ].map(function (pair) { return '<dt>' + esc(pair[0]) + '</dt><dd>' + pair[1] + '</dd>'; }).join('') + '</dl>';
  }
  function summary() {
    var deps = status.dependencies;
    return '<div class="summary">' + [
      ['AI providers healthy', health.ai_providers.healthy + ' / ' + health.ai_providers.total_configured],
      ['Validated providers', health.bulletproof.providers_validated],
      ['Dependencies passing', deps.filter(function (d) { return d.latest && d.latest.ok; }).length + ' / ' + deps.length],
      ['Exporter', status.exporter.ready ? 'ready' : 'starting'],
    ].map(function (pair) { return '<div class="card"><div class="label">' + esc(pair[0]) + '</div><div class="value">' + esc(pair[1]) + '</div></div>'; }).join('') + '</div>';
  }
  function reasons() {
    var list = health.status_reasons || [];
    if (!list.length) return '';
    return '<div class="reasons' + (health.status === 'unhealthy' ? ' bad' : '') + '"><strong>' + esc('Why ' + label(health.status) + ':') + '</strong><ul>' +
      list.map(function (r) { return '<li>' + esc(r) + '</li>'; }).join('') + '</ul></div>';
  }
  var p = providers(status.providers), d = dependencies(status.dependencies), l = logs(status.log_sources);
  return {
    overall_kind: kindOf(health.status), overall: label(health.status),
    reasons: reasons(), summary: summary(),
    providers: p.html, providers_count: p.count, deps: d.html, deps_count: d.count, logs: l.html, logs_count: l.count,
    self: self(status.exporter),
  };
}
`;

/** The regions the renderer fills, by element id (each `<id>` and, for sections, `<id>-count`). */
export interface RenderedRegions {
  readonly overall_kind: string;
  readonly overall: string;
  readonly reasons: string;
  readonly summary: string;
  readonly providers: string;
  readonly providers_count: string;
  readonly deps: string;
  readonly deps_count: string;
  readonly logs: string;
  readonly logs_count: string;
  readonly self: string;
}

type Renderer = (data: unknown, nowMs: number) => RenderedRegions;
// The same source the browser runs, compiled once for the server's first paint.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const render = new Function(`${STATUS_PAGE_RENDER_JS}; return renderStatusPage;`)() as Renderer;

/** Renders {health, status} on the server, exactly as the page's script does in the browser. */
export function renderStatusRegions(data: { health: unknown; status: unknown }, nowMs = Date.now()): RenderedRegions {
  return render(data, nowMs);
}

import { STATUS_PAGE_RENDER_JS } from './status-page-render';

/**
 * The status page's script, inlined into the page after the renderer (status-page-render.ts). The
 * server has already painted the page; the script refreshes it every 10 s while the tab is visible,
 * with the same renderer, whose output escapes every value.
 */
export const STATUS_PAGE_JS = `${STATUS_PAGE_RENDER_JS}
(function () {
  'use strict';
  var REFRESH_MS = 10000;
  var data = JSON.parse(document.getElementById('initial-data').textContent || '{}');
  function set(id, html) { document.getElementById(id).innerHTML = html; }
  function render() {
    if (!data.health || !data.status) return;
    var regions = renderStatusPage(data, Date.now());
    var overall = document.getElementById('overall');
    overall.className = 'pill big ' + regions.overall_kind;
    overall.textContent = regions.overall;
    ['reasons', 'summary', 'providers', 'deps', 'logs', 'self'].forEach(function (id) { set(id, regions[id]); });
    ['providers', 'deps', 'logs'].forEach(function (id) { document.getElementById(id + '-count').textContent = regions[id + '_count']; });
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
      document.getElementById('banner').className = 'banner';
      render();
    }).catch(function (error) {
      var banner = document.getElementById('banner');
      banner.textContent = 'Cannot reach the exporter (' + error.message + '); showing the last state received.';
      banner.className = 'banner on';
    }).then(schedule);
  }
  function schedule() { setTimeout(function () { if (document.hidden) schedule(); else refresh(); }, REFRESH_MS); }
  document.documentElement.className = 'js';
  render();
  schedule();
})();
`;

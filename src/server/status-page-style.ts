/**
 * The status page's stylesheet, inlined into the page: the pod may have no internet, so there are
 * no web fonts or CDNs. Tables turn into labelled cards below 720px so a phone needs no sideways scroll,
 * and there healthy rows fold to one line (name, state, strip): the problems, sorted first, keep theirs.
 */
export const STATUS_PAGE_CSS = `
:root {
  --bg: #f5f6f8; --panel: #ffffff; --text: #1d2430; --muted: #5f6b7a; --line: #e1e5ea;
  --ok: #137a3a; --ok-bg: #e3f5e9; --warn: #8a5a00; --warn-bg: #fdf1d8; --bad: #b3261e; --bad-bg: #fde7e5;
  --unknown: #4b5563; --unknown-bg: #eceff3; --accent: #2f5bd3;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #11151b; --panel: #1a2029; --text: #e6e9ee; --muted: #9aa5b4; --line: #2c3440;
    --ok: #6fdc95; --ok-bg: #15321f; --warn: #f1c35b; --warn-bg: #3a2d0c; --bad: #ff8a80; --bad-bg: #3d1714;
    --unknown: #c0c7d1; --unknown-bg: #2a313b; --accent: #8fb0ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { background: var(--panel); border-bottom: 1px solid var(--line); }
.bar { max-width: 1200px; margin: 0 auto; padding: 14px 20px; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
h1 { font-size: 18px; margin: 0; font-weight: 650; }
.meta { color: var(--muted); font-size: 13px; margin-left: auto; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; margin: 0 0 16px; overflow: hidden; }
section > h2 { font-size: 15px; margin: 0; padding: 12px 16px; border-bottom: 1px solid var(--line); display: flex; gap: 10px; align-items: baseline; }
section > h2 .count { color: var(--muted); font-weight: 400; font-size: 13px; }
.empty { padding: 14px 16px; color: var(--muted); }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 0 0 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 650; margin-top: 2px; }
.reasons { margin: 0 0 16px; padding: 10px 16px; border-radius: 10px; background: var(--warn-bg); color: var(--warn); border: 1px solid var(--line); }
.reasons.bad { background: var(--bad-bg); color: var(--bad); }
.reasons ul { margin: 4px 0 0; padding-left: 20px; }
.banner { display: none; margin: 0 0 16px; padding: 10px 16px; border-radius: 10px; background: var(--bad-bg); color: var(--bad); }
.banner.on { display: block; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 9px 16px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
tr:last-child td { border-bottom: 0; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.msg { color: var(--muted); overflow-wrap: anywhere; max-width: 460px; }
.name { font-weight: 600; overflow-wrap: anywhere; }
.sub { display: block; color: var(--muted); font-size: 12px; font-weight: 400; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 650; white-space: nowrap; }
.pill.ok { color: var(--ok); background: var(--ok-bg); }
.pill.warn { color: var(--warn); background: var(--warn-bg); }
.pill.bad { color: var(--bad); background: var(--bad-bg); }
.pill.unknown { color: var(--unknown); background: var(--unknown-bg); }
.pill.big { font-size: 14px; padding: 3px 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; padding: 12px 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.strip { display: inline-flex; gap: 2px; align-items: flex-end; flex-wrap: nowrap; max-width: 100%; overflow: hidden; }
.strip i { display: inline-block; width: 5px; height: 16px; border-radius: 1px; background: var(--unknown-bg); }
.strip i.ok { background: var(--ok); }
.strip i.warn { background: var(--warn); }
.strip i.bad { background: var(--bad); height: 18px; }
.strip i.unknown { background: var(--unknown); opacity: .5; }
.spark { display: block; width: 90px; height: 20px; margin-top: 3px; }
.spark polyline { stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.uptime { display: flex; flex-direction: column; }
.uptime small { color: var(--muted); }
time { white-space: nowrap; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 20px 30px; color: var(--muted); font-size: 13px; }
footer a { color: var(--accent); margin-right: 14px; }
@media (max-width: 720px) {
  .bar { padding: 12px 14px; }
  .meta { margin-left: 0; width: 100%; }
  main { padding: 12px 10px 30px; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { padding: 10px 14px; border-bottom: 1px solid var(--line); }
  tr:last-child { border-bottom: 0; }
  td { border: 0; padding: 3px 0; display: grid; grid-template-columns: 7.5em 1fr; gap: 8px; max-width: none; }
  td::before { content: attr(data-label); color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; padding-top: 2px; }
  td.msg { max-width: none; }
  tr.ok td.more { display: none; }
  tr.ok { padding: 6px 14px; }
  tr.ok td.head { display: inline-flex; width: auto; margin-right: 12px; vertical-align: middle; }
  tr.ok td.head::before { content: none; }
  tr.ok td.head .sub { display: none; }
  dl.facts { grid-template-columns: 1fr; gap: 0 0; }
  dl.facts dd { margin-bottom: 8px; }
}
`;

// The report's own stylesheet (system fonts only: nothing to fetch), printed and screen-friendly.
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 8px 0 2px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; } .meta, .note { color: var(--muted); font-size: 12px; margin: 2px 0 8px; }
nav a { margin-right: 14px; } a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; } th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--band); position: sticky; top: 0; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sub th { background: var(--band); font-weight: 600; } table.overview, table.repetitions { width: 100%; }
.run-head { display: grid; grid-template-columns: minmax(300px, 1fr) minmax(300px, 1.3fr); gap: 24px; align-items: start; }
.provenance td:first-child { color: var(--muted); white-space: nowrap; } .provenance td:last-child { word-break: break-word; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px 24px; }
figure.chart { margin: 0; min-width: 0; } figcaption { font-weight: 600; font-size: 13px; margin-bottom: 2px; } .plot { width: 100%; min-height: 240px; }
.bad { color: #b42318; font-weight: 600; } .good { color: #1a7f37; }
@media print { nav { display: none; } .charts { grid-template-columns: 1fr 1fr; } }
`;

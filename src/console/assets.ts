/**
 * The console's stylesheet and its one script, served by the gateway itself (no CDN, nothing to
 * build, the same on Node and Workers). The pages work without the script: it only adds
 * "select all" to grouped checkboxes.
 */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c9c9c9; --accent: #0a4f8f; --bad: #9b1c1c; --ok: #1d6b33; --warn: #7a4a00; --bg: #ffffff; --panel: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header.top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.25rem; background: #0a2f55; color: #fff; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; }
nav.main ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
nav.main a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.who { display: flex; gap: .75rem; align-items: center; font-size: .9rem; }
.who button { background: none; color: #fff; border: 1px solid #fff; padding: .2rem .6rem; cursor: pointer; font: inherit; }
main { padding: 1rem 1.25rem 3rem; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.flash { border-left: 5px solid var(--ok); background: #eaf5ed; padding: .6rem .9rem; }
.problem { border-left: 5px solid var(--bad); background: #fbeaea; padding: .6rem .9rem; }
.panel { background: var(--panel); border: 1px solid var(--line); padding: .9rem 1rem; margin: 0 0 1rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
label { display: block; font-weight: 600; font-size: .9rem; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #6b6b6b; border-radius: 3px; background: #fff; color: var(--ink); }
textarea { width: 100%; min-height: 3.2rem; }
button, .button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 3px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em; }
.muted { color: var(--muted); }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); border: 0; }
ol.timeline { list-style: none; padding: 0; margin: .5rem 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(7.8rem, 1fr)); gap: .5rem; }
ol.timeline li { border: 2px solid var(--line); padding: .45rem .55rem; background: #fff; }
ol.timeline li.done { border-color: var(--ok); }
ol.timeline li.blocked { border-color: var(--bad); background: #fff6f6; }
ol.timeline .step { font-weight: 700; display: block; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.warn { color: var(--warn); }
.names { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .5rem; margin: .5rem 0; }
.names > div { border: 1px solid var(--line); padding: .5rem; background: #fff; }
.names .value { font-size: 1.15rem; font-weight: 700; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); padding: .8rem 1rem; background: #fff; }
.card figure { margin: .5rem 0 0; }
.card dl { display: grid; grid-template-columns: minmax(7rem, 45%) 1fr; gap: .15rem .75rem; margin: .4rem 0; }
.card dt { font-weight: 600; } .card dd { margin: 0; }
svg.chart { width: 100%; height: auto; }
.full { width: 100%; margin: 0; }
.swatch.ok { color: var(--ok); } .swatch.bad { color: var(--bad); }
button.sort { background: none; border: 0; color: var(--ink); font-weight: 700; padding: 0; text-align: left; text-decoration: underline dotted; }
th[aria-sort=ascending] button.sort::after { content: ' ▲'; } th[aria-sort=descending] button.sort::after { content: ' ▼'; }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .75rem; }
.actions form { border: 1px solid var(--line); padding: .6rem; background: #fff; }
`;

export const CONSOLE_JS = `
// "Select all" for a group of checkboxes; without this script each box is ticked by hand.
for (const group of document.querySelectorAll('[data-select-group]')) {
  const name = group.getAttribute('data-select-group');
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.addEventListener('change', () => {
    for (const b of document.querySelectorAll('input[type=checkbox][data-group="' + name + '"]')) b.checked = box.checked;
  });
  label.append(box, ' ', group.getAttribute('data-label') || 'Select all');
  group.append(label);
}

// Sortable columns for the rows on the page (the server keeps its stable order across pages).
for (const table of document.querySelectorAll('table[data-sortable]')) {
  const heads = [...table.querySelectorAll('thead th')];
  heads.forEach((th, col) => {
    if (th.querySelector('[data-select-group]')) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const h of heads) h.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      const key = (row) => row.cells[col]?.innerText.trim() ?? '';
      const rows = [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b);
        const n = Number(x) - Number(y);
        const order = x !== '' && y !== '' && !Number.isNaN(n) ? n : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
}
`;

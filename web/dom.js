/* dom.js - small DOM helpers for the FA-GPT UI. Every piece of data goes in as a text node or an attribute
 * value (never as markup), so document text, model output and user input always show as text. */

/* h('tag.class#id', {attr: value, on: {event: fn}}, child...) builds an element. Strings and numbers among the
 * children become text nodes; null/false children are skipped; arrays are flattened. */
export function h(spec, attrs, ...children) {
    const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(spec);
    if (!m) throw new Error('h: bad element spec ' + spec);
    const el = document.createElement(m[1]);
    for (const part of m[2].match(/[.#][\w-]+/g) || []) {
        if (part[0] === '.') el.classList.add(part.slice(1));
        else el.id = part.slice(1);
    }
    if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
        children.unshift(attrs);
        attrs = null;
    }
    for (const [k, v] of Object.entries(attrs || {})) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'on') {
            for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        } else if (k === 'class') {
            for (const c of String(v).split(/\s+/).filter(Boolean)) el.classList.add(c);
        } else if (k === 'value' && ('value' in el)) {
            el.value = v;
        } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'multiple' || k === 'required') {
            el[k] = !!v;
            if (v) el.setAttribute(k, '');
        } else if (k === 'dataset') {
            for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
        } else {
            el.setAttribute(k, v === true ? '' : String(v));
        }
    }
    append(el, children);
    return el;
}

export function append(el, children) {
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

/* Replaces the children of el. */
export function clear(el, ...children) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return append(el, children);
}

/* An SVG element (the plot). */
const SVG_NS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {}))
        if (v !== null && v !== undefined) el.setAttribute(k, String(v));
    for (const c of children.flat(Infinity)) {
        if (c === null || c === undefined || c === false) continue;
        el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

let uid = 0;
/* A unique id for label/for and aria-describedby pairs. */
export function newId(prefix) {
    uid += 1;
    return (prefix || 'f') + '-' + uid;
}

/* A labelled form field: returns {wrap, input}. opts.hint adds a description; opts.input is the control. */
export function field(labelText, input, opts) {
    opts = opts || {};
    if (!input.id) input.id = newId('in');
    const wrap = h('div.field');
    const label = h('label', { for: input.id }, labelText);
    if (opts.required) label.appendChild(h('span.req', { 'aria-hidden': 'true' }, ' *'));
    wrap.appendChild(label);
    wrap.appendChild(input);
    if (opts.hint) {
        const hint = h('p.hint', { id: newId('hint') }, opts.hint);
        input.setAttribute('aria-describedby', hint.id);
        wrap.appendChild(hint);
    }
    const msg = h('p.field-error', { id: newId('err'), hidden: true });
    wrap.appendChild(msg);
    return { wrap, input, msg };
}

/* Shows or hides a field's inline error message (fills aria-invalid and the description). */
export function setFieldError(f, text) {
    if (text) {
        f.msg.textContent = text;
        f.msg.hidden = false;
        f.input.setAttribute('aria-invalid', 'true');
        const d = (f.input.getAttribute('aria-describedby') || '').split(' ').filter(x => x && x !== f.msg.id);
        d.push(f.msg.id);
        f.input.setAttribute('aria-describedby', d.join(' '));
    } else {
        f.msg.textContent = '';
        f.msg.hidden = true;
        f.input.removeAttribute('aria-invalid');
    }
}

/* Formats numbers for tables: fixed decimals, or a dash for missing values. */
export function num(v, digits) {
    if (v === null || v === undefined || v === '') return '—';
    const n = Number(v);
    if (!Number.isFinite(n)) return String(v);
    return digits === undefined ? String(n) : n.toFixed(digits);
}

export function bytes(n) {
    if (n === null || n === undefined) return '—';
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MiB';
    return (n / 1024 / 1024 / 1024).toFixed(2) + ' GiB';
}

/* A simple table from column specs [{label, get(row) -> string|Node, cls?}] and rows. */
export function table(caption, columns, rows, opts) {
    opts = opts || {};
    const t = h('table', { class: opts.cls || 'data' });
    if (caption) t.appendChild(h('caption', caption));
    t.appendChild(h('thead', h('tr', columns.map(c => h('th', { scope: 'col', class: c.cls === 'numeric' ? 'numeric' : null }, c.label)))));
    const tb = h('tbody');
    for (const r of rows)
        tb.appendChild(h('tr', columns.map(c => h('td', { class: c.cls }, c.get(r)))));
    if (!rows.length && opts.empty)
        tb.appendChild(h('tr', h('td', { colspan: columns.length, class: 'empty' }, opts.empty)));
    t.appendChild(tb);
    return opts.noWrap ? t : h('div.table-wrap', t);
}

/* Saves a Blob as a download with the given file name. */
export function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/* Debounces fn by ms. */
export function debounce(fn, ms) {
    let t = null;
    return (...args) => {
        clearTimeout(t);
        t = setTimeout(() => fn(...args), ms);
    };
}

/* An error box for a page: the API's message in plain words, announced to screen readers. */
export function errorBox(err) {
    return h('div.alert.error', { role: 'alert' }, err && err.message ? err.message : String(err));
}

/* A status line that shows progress (info), success (ok) or an error (err). */
export function statusLine() {
    const el = h('p.status', { role: 'status', 'aria-live': 'polite' });
    el.ok = (t) => { el.className = 'status ok'; el.setAttribute('role', 'status'); el.textContent = t; };
    el.err = (e) => { el.className = 'status error'; el.setAttribute('role', 'alert'); el.textContent = e && e.message ? e.message : String(e); };
    el.info = (t) => { el.className = 'status'; el.setAttribute('role', 'status'); el.textContent = t; };
    el.clear = () => { el.className = 'status'; el.textContent = ''; };
    return el;
}

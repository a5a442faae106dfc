/* orders.js - the Orders page: pick a product, fill a form built from its schema (GET /api/orders/products:
 * objects as fieldsets, lists of objects as repeatable groups, lists of strings as one-per-line text), inline
 * validation as the user types (POST /api/orders/validate, debounced), a preview (the HTML rendering in a
 * sandboxed frame, or Markdown/text as escaped text), and downloads as PDF, DOCX, Markdown and text. */
import { h, clear, field, setFieldError, errorBox, statusLine, saveBlob, debounce, newId } from './dom.js';
import { get, post, postForFile, api } from './api.js';

let products = null;
const drafts = new Map(); /* product -> data the user typed, kept while moving between pages */
let current = null;

const ACRONYMS = new Set(['fdc', 'dtg', 'hq', 'id', 'mgrs', 'cff', 'fso', 'fscl', 'aof', 'ot', 'tof', 'qe', 'poc', 'ffe', 'mto']);

function humanize(key) {
    const words = key.replace(/\[\]$/, '').split('_').map(w => ACRONYMS.has(w) ? w.toUpperCase() : w);
    const k = words.join(' ');
    return k.charAt(0).toUpperCase() + k.slice(1);
}

/* The schema's flat field list (paths like a.b, a[].b) as a tree. */
function buildTree(fields) {
    const root = { path: '', type: 'object', key: '', required: true, children: [] };
    const byPath = new Map([['', root]]);
    for (const f of fields) {
        const i = f.path.lastIndexOf('.');
        let parentPath = i < 0 ? '' : f.path.slice(0, i);
        if (parentPath.endsWith('[]')) parentPath = parentPath.slice(0, -2);
        const node = Object.assign({}, f, { key: f.path.slice(i + 1), children: [] });
        (byPath.get(parentPath) || root).children.push(node);
        byPath.set(f.path, node);
    }
    return root;
}

const HINTS = {
    'MGRS grid': 'MGRS grid, e.g. 18SUJ 2339 0739.',
    'date-time (DTG)': 'Date-time group DDHHMMZMONYY (e.g. 011430ZDEC26) or ISO 8601.',
    'time zone': 'Time zone letter, e.g. Z or Q.',
    'list of strings': 'One entry per line.',
};

function isEmpty(v) {
    return v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) ||
        (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
}

/* Renders node for value at concrete path; returns {el, get()} where get() gives the value or undefined. */
function control(node, value, path, onChange) {
    const label = humanize(node.key);
    const req = !!node.required;
    if (node.type === 'object') {
        const kids = node.children.map(c => ({ key: c.key, c: control(c, value ? value[c.key] : undefined, path ? path + '.' + c.key : c.key, onChange) }));
        const get = () => {
            const o = {};
            for (const k of kids) { const v = k.c.get(); if (!isEmpty(v)) o[k.key] = v; }
            return Object.keys(o).length ? o : undefined;
        };
        if (!path) return { el: h('div.order-fields', kids.map(k => k.c.el)), get };
        const err = h('p.field-error', { hidden: true, id: newId('err') });
        const fs = h('fieldset.group', { dataset: { path } }, h('legend', label, req ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null), err, kids.map(k => k.c.el));
        fs._field = { input: fs, msg: err };
        return { el: fs, get };
    }
    if (node.type === 'list of objects') {
        const items = [];
        const box = h('div.items');
        const err = h('p.field-error', { hidden: true, id: newId('err') });
        const fs = h('fieldset.group.list', { dataset: { path } }, h('legend', label, req ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null), err, box);
        fs._field = { input: fs, msg: err };
        const itemNode = { type: 'object', key: node.key, children: node.children };
        const redraw = (values) => {
            items.length = 0;
            clear(box);
            values.forEach((v, i) => {
                const p = path + '[' + i + ']';
                const c = control(itemNode, v, p, onChange);
                const inner = c.el;
                inner.classList.add('item');
                inner.querySelector('legend').textContent = humanize(node.key) + ' ' + (i + 1);
                inner.appendChild(h('button', { type: 'button', class: 'small danger', on: { click: () => {
                    const vals = items.map(x => x.get() || {});
                    vals.splice(i, 1);
                    redraw(vals);
                    onChange();
                } } }, 'Remove ' + humanize(node.key).toLowerCase() + ' ' + (i + 1)));
                items.push(c);
                box.appendChild(inner);
            });
            box.appendChild(h('button', { type: 'button', class: 'small', on: { click: () => {
                const vals = items.map(x => x.get() || {});
                vals.push({});
                redraw(vals);
                const added = box.querySelectorAll(':scope > fieldset');
                const first = added[added.length - 1] && added[added.length - 1].querySelector('input, select, textarea');
                if (first) first.focus();
                onChange();
            } } }, 'Add ' + humanize(node.key).toLowerCase().replace(/s$/, '')));
        };
        redraw(Array.isArray(value) ? value : []);
        return { el: fs, get: () => { const a = items.map(x => x.get()).filter(v => !isEmpty(v)); return a.length ? a : undefined; } };
    }
    let input;
    let get;
    if (node.type === 'one of') {
        input = h('select', { name: path }, h('option', { value: '' }, req ? '(choose)' : '(none)'),
            (node.choices || []).map(c => h('option', { value: c, selected: value === c }, c)));
        get = () => input.value || undefined;
    } else if (node.type === 'boolean') {
        input = h('input', { type: 'checkbox', name: path, checked: value === true });
        get = () => input.checked;
    } else if (node.type === 'integer' || node.type === 'number') {
        input = h('input', { type: 'number', name: path, value: value === undefined || value === null ? '' : value,
            min: node.min, max: node.max, step: node.type === 'integer' ? 1 : 'any' });
        get = () => input.value === '' ? undefined : Number(input.value);
    } else if (node.type === 'list of strings') {
        input = h('textarea', { name: path, rows: Math.max(2, Math.min(8, (Array.isArray(value) ? value.length : 0) + 1)),
            value: Array.isArray(value) ? value.join('\n') : (value || '') });
        get = () => { const a = input.value.split('\n').map(x => x.trim()).filter(Boolean); return a.length ? a : undefined; };
    } else {
        const long = typeof value === 'string' && value.length > 70;
        input = long ? h('textarea', { name: path, rows: Math.min(6, Math.ceil(value.length / 80) + 1), value })
            : h('input', { type: 'text', name: path, value: value === undefined || value === null ? '' : String(value), spellcheck: node.type === 'MGRS grid' ? 'false' : null });
        get = () => { const v = input.value.trim(); return v ? v : undefined; };
    }
    input.dataset.path = path;
    const range = node.min !== undefined && node.max !== undefined ? 'From ' + node.min + ' to ' + node.max + '.' : '';
    const f = field(label, input, { required: req, hint: [HINTS[node.type], range].filter(Boolean).join(' ') || null });
    if (node.type === 'boolean') f.wrap.classList.add('check');
    input._field = f;
    return { el: f.wrap, get };
}

/* The form element for a problem's path, or for the nearest enclosing path that has one. */
function fieldFor(form, path) {
    let p = path || '';
    while (p) {
        const el = form.querySelector('[data-path="' + CSS.escape(p) + '"]');
        if (el) return { el, exact: p === path };
        p = p.replace(/(\[\d+\]|\.[^.[\]]+|^[^.[\]]+)$/, '');
    }
    return null;
}

function stripAbout(example) {
    if (!example || typeof example !== 'object') return {};
    const o = {};
    for (const [k, v] of Object.entries(example)) if (!k.startsWith('x-')) o[k] = v;
    return o;
}

/* The rendered HTML, made safe to show: scripts, styles, frames, event attributes and javascript: links go;
 * the page's look comes from /assets/order-preview.css (the CSP allows no inline style). */
function safePreviewDoc(html) {
    /* <style> blocks go before parsing too: even an inert parsed document reports them to the page's CSP. */
    const doc = new DOMParser().parseFromString(html.replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, ''), 'text/html');
    for (const el of doc.querySelectorAll('script, style, link, meta, iframe, frame, object, embed, base, form'))
        el.remove();
    for (const el of doc.querySelectorAll('*')) {
        for (const a of Array.from(el.attributes)) {
            const n = a.name.toLowerCase();
            if (n.startsWith('on') || n === 'style' || ((n === 'href' || n === 'src' || n === 'action') && /^\s*(javascript|data|vbscript):/i.test(a.value)))
                el.removeAttribute(a.name);
        }
    }
    const head = doc.head || doc.documentElement.insertBefore(doc.createElement('head'), doc.body);
    const meta = doc.createElement('meta');
    meta.setAttribute('charset', 'utf-8');
    head.prepend(meta);
    const link = doc.createElement('link');
    link.setAttribute('rel', 'stylesheet');
    link.setAttribute('href', location.origin + '/assets/order-preview.css');
    head.appendChild(link);
    return '<!DOCTYPE html>' + doc.documentElement.outerHTML;
}

function renderProduct(box, p) {
    const tree = buildTree((p.schema && p.schema.fields) || []);
    const start = drafts.get(p.type) || stripAbout(p.example);
    const problemsBox = h('div.problems', { 'aria-live': 'polite' });
    const valSt = h('p.status.validity', { role: 'status' });
    let form = null;
    let root = null;
    let seq = 0;
    const validate = async () => {
        const my = ++seq;
        const data = root.get() || {};
        drafts.set(p.type, data);
        valSt.className = 'status validity';
        valSt.textContent = 'Checking…';
        let r;
        try {
            r = await post('/api/orders/validate', { product: p.type, data });
        } catch (e) {
            if (my === seq) { valSt.className = 'status error'; valSt.textContent = e.message; }
            return;
        }
        if (my !== seq) return;
        for (const el of form.querySelectorAll('[data-path]')) if (el._field) setFieldError(el._field, '');
        const probs = r.problems || [];
        for (const pr of probs) {
            const at = fieldFor(form, pr.field);
            if (at && at.el._field) {
                const f = at.el._field;
                const prev = f.msg.hidden ? '' : f.msg.textContent + ' ';
                setFieldError(f, prev + (at.exact ? '' : pr.field + ': ') + pr.message);
            }
        }
        valSt.className = 'status validity ' + (probs.length ? 'error' : 'ok');
        valSt.textContent = probs.length ? probs.length + (probs.length === 1 ? ' problem' : ' problems') + ' to fix before rendering.' : 'The order is complete and valid.';
        clear(problemsBox, probs.length ? h('ul.problem-list', probs.map(pr => h('li', h('a', { href: '#/orders', on: { click: ev => {
            ev.preventDefault();
            const at = fieldFor(form, pr.field);
            const el = at && at.el;
            if (el) { const focusable = el.matches('input, select, textarea') ? el : el.querySelector('input, select, textarea'); (focusable || el).focus(); }
        } } }, h('code', pr.field || '(order)')), ': ', pr.message))) : null);
    };
    const later = debounce(validate, 400);
    root = control(tree, start, '', later);
    form = h('form.order-form', { novalidate: true, 'aria-label': p.summary || p.type }, root.el);
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    form.addEventListener('submit', ev => ev.preventDefault());

    const st = statusLine();
    const fmtSel = h('select#pv-format', h('option', { value: 'html' }, 'Formatted (HTML)'), h('option', { value: 'md' }, 'Markdown'), h('option', { value: 'txt' }, 'Plain text'));
    const previewBox = h('div.preview', { 'aria-live': 'polite' });
    const previewBtn = h('button', { type: 'button', class: 'primary' }, 'Preview');
    previewBtn.addEventListener('click', async () => {
        const format = fmtSel.value;
        st.info('Rendering…');
        try {
            const res = await api('POST', '/api/orders/render', { product: p.type, data: root.get() || {}, format }, { raw: true, headers: { Accept: '*/*' } });
            const text = await res.text();
            if (format === 'html') {
                const fr = h('iframe.order-frame', { sandbox: '', title: 'Preview of the ' + (p.summary || p.type), referrerpolicy: 'no-referrer' });
                fr.srcdoc = safePreviewDoc(text);
                clear(previewBox, fr);
            } else {
                clear(previewBox, h('pre.order-text', { tabindex: '0', 'aria-label': 'Preview as ' + (format === 'md' ? 'Markdown' : 'text') }, text));
            }
            st.ok('Preview updated.');
        } catch (e) { st.err(e); clear(previewBox); }
    });
    const dl = (format, label, ext) => h('button', { type: 'button', on: { click: async () => {
        st.info('Rendering ' + label + '…');
        try {
            const file = await postForFile('/api/orders/render', { product: p.type, data: root.get() || {}, format }, p.type + '.' + ext);
            saveBlob(file.blob, file.name);
            st.ok('Saved ' + file.name + ' (' + file.blob.size + ' bytes).');
        } catch (e) { st.err(e); }
    } } }, label);
    const reset = h('button', { type: 'button', class: 'link', on: { click: () => { drafts.delete(p.type); renderProduct(box, p); } } }, 'Start again from the example');
    clear(box,
        h('p.doctrine', (p.schema && p.schema.doctrine) || p.summary || ''),
        h('div.order-layout',
            h('section.card', { 'aria-labelledby': 'of-title' }, h('h2#of-title', 'Fields'), valSt, problemsBox, form, reset),
            h('section.card.order-out', { 'aria-labelledby': 'op-title' }, h('h2#op-title', 'Preview and download'),
                h('div.buttons', h('label', { for: 'pv-format' }, 'Preview as '), fmtSel, previewBtn),
                h('div.buttons', h('span', 'Download: '), dl('pdf', 'PDF', 'pdf'), dl('docx', 'DOCX', 'docx'), dl('md', 'Markdown', 'md'), dl('txt', 'Text', 'txt')),
                st, previewBox)));
    validate();
}

export async function renderOrders(main) {
    if (!products) products = (await get('/api/orders/products')).products || [];
    if (!products.length) { clear(main, h('h1', 'Orders'), errorBox('The server offers no order products.')); return; }
    if (!current || !products.find(p => p.type === current)) current = products[0].type;
    const sel = h('select#product', products.map(p => h('option', { value: p.type, selected: p.type === current }, p.type.toUpperCase() + ' — ' + (p.summary || ''))));
    const box = h('div');
    sel.addEventListener('change', () => { current = sel.value; renderProduct(box, products.find(p => p.type === current)); });
    clear(main, h('h1', 'Orders'),
        h('div.field.product-pick', h('label', { for: 'product' }, 'Product'), sel),
        box);
    renderProduct(box, products.find(p => p.type === current));
}

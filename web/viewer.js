/* viewer.js - the page viewer: a modal dialog with a document's page image (rendered by the server), the cited
 * passage highlighted (?highlight=CHUNK), next/previous page, and the passage's text and citation. */
import { h, clear } from './dom.js';
import { get } from './api.js';

let dlg = null;
let state = null;

const ZOOMS = [{ dpi: 110, label: 'Fit' }, { dpi: 160, label: '150 %' }, { dpi: 220, label: '200 %' }];
let zoom = 0; /* index into ZOOMS, kept between openings */

function pageUrl(docId, page, chunk, dpi) {
    const q = [];
    if (chunk !== null && chunk !== undefined && chunk !== '') q.push('highlight=' + encodeURIComponent(chunk));
    if (dpi && dpi !== ZOOMS[0].dpi) q.push('dpi=' + dpi);
    return '/api/documents/' + encodeURIComponent(docId) + '/pages/' + encodeURIComponent(page) + '.png' + (q.length ? '?' + q.join('&') : '');
}

function go(delta) {
    const st = state;
    if (!st) return;
    const p = st.page + delta;
    if (p < 1 || (st.pages && p > st.pages)) return;
    st.page = p;
    st.focus = delta < 0 ? 'prev' : 'next';
    show();
}

function build() {
    dlg = h('dialog#viewer.viewer', { 'aria-labelledby': 'viewer-title' });
    dlg.addEventListener('close', () => { if (state && state.returnFocus) state.returnFocus.focus(); state = null; });
    /* Left and right arrows turn the page (not while typing in a field). */
    dlg.addEventListener('keydown', ev => {
        if (ev.target.matches('input, select, textarea')) return;
        if (ev.key === 'ArrowLeft') { ev.preventDefault(); go(-1); }
        if (ev.key === 'ArrowRight') { ev.preventDefault(); go(1); }
    });
    document.body.appendChild(dlg);
}

function show() {
    const st = state;
    const total = st.pages || null;
    const title = h('h2#viewer-title', st.title || 'Page');
    const img = h('img.page-image', {
        src: pageUrl(st.docId, st.page, st.page === st.chunkPage ? st.chunk : null, ZOOMS[zoom].dpi),
        alt: 'Page ' + st.page + (st.title ? ' of ' + st.title : '') + (st.page === st.chunkPage && st.chunk != null ? ', the cited passage highlighted' : ''),
    });
    const imgStatus = h('p.status', { role: 'status' }, 'Loading the page image…');
    img.addEventListener('load', () => { imgStatus.textContent = ''; imgStatus.hidden = true; });
    img.addEventListener('error', () => {
        imgStatus.hidden = false;
        imgStatus.className = 'status error';
        imgStatus.textContent = 'The page image could not be shown (the page does not exist, or the document is not available to you).';
    });
    const prev = h('button', { type: 'button', disabled: st.page <= 1, on: { click: () => go(-1) } }, '← Previous page');
    const next = h('button', { type: 'button', disabled: total !== null && st.page >= total, on: { click: () => go(1) } }, 'Next page →');
    const zoomSel = h('select', { 'aria-label': 'Zoom', on: { change: () => { zoom = Number(zoomSel.value); st.focus = 'zoom'; show(); } } },
        ZOOMS.map((z, i) => h('option', { value: String(i), selected: i === zoom }, z.label)));
    img.classList.toggle('zoomed', zoom > 0);
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the page viewer', on: { click: () => dlg.close() } }, '×');
    const where = h('p.where', 'Page ' + st.page + (total ? ' of ' + total : '') + (st.page === st.chunkPage && st.pageLabel ? ' (printed page ' + st.pageLabel + ')' : ''));
    clear(dlg,
        h('div.viewer-head', title, close),
        st.cite ? h('p.cite', st.cite) : null,
        st.quote && st.page === st.chunkPage ? h('blockquote.quote', st.quote) : null,
        h('div.viewer-nav', prev, where, zoomSel, next),
        h('p.hint', 'Arrow keys ← → turn the page; Escape closes.'),
        imgStatus,
        h('div.page-frame', img));
    if (!dlg.open) dlg.showModal();
    const target = st.focus === 'zoom' ? zoomSel : st.focus === 'prev' && !prev.disabled ? prev : st.focus === 'next' && !next.disabled ? next : close;
    target.focus();
}

/* Opens the viewer. o: {docId, page, chunk?, title?, cite?, quote?, pageLabel?, pages?}. */
export async function openViewer(o) {
    if (!dlg) build();
    state = Object.assign({}, o, { chunkPage: o.page, returnFocus: document.activeElement });
    show();
    if (!o.pages) {
        try {
            const d = await get('/api/documents/' + encodeURIComponent(o.docId));
            if (state && d && d.pages) { state.pages = d.pages; if (!state.title) state.title = d.publication || d.title || d.doc; show(); }
        } catch (e) { /* the image tells whether the page is there */ }
    }
}

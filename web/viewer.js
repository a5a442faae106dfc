/* viewer.js - the page viewer: a modal dialog with a document's page image (rendered by the server), the cited
 * passage highlighted (?highlight=CHUNK), next/previous page, and the passage's text and citation. */
import { h, clear } from './dom.js';
import { get } from './api.js';

let dlg = null;
let state = null;

function pageUrl(docId, page, chunk) {
    let u = '/api/documents/' + encodeURIComponent(docId) + '/pages/' + encodeURIComponent(page) + '.png';
    if (chunk !== null && chunk !== undefined && chunk !== '') u += '?highlight=' + encodeURIComponent(chunk);
    return u;
}

function build() {
    dlg = h('dialog#viewer.viewer', { 'aria-labelledby': 'viewer-title' });
    dlg.addEventListener('close', () => { if (state && state.returnFocus) state.returnFocus.focus(); state = null; });
    document.body.appendChild(dlg);
}

function show() {
    const st = state;
    const total = st.pages || null;
    const title = h('h2#viewer-title', st.title || 'Page');
    const img = h('img.page-image', {
        src: pageUrl(st.docId, st.page, st.page === st.chunkPage ? st.chunk : null),
        alt: 'Page ' + st.page + (st.title ? ' of ' + st.title : '') + (st.page === st.chunkPage && st.chunk != null ? ', the cited passage highlighted' : ''),
    });
    const imgStatus = h('p.status', { role: 'status' }, 'Loading the page image…');
    img.addEventListener('load', () => { imgStatus.textContent = ''; imgStatus.hidden = true; });
    img.addEventListener('error', () => {
        imgStatus.hidden = false;
        imgStatus.className = 'status error';
        imgStatus.textContent = 'The page image could not be shown (the page does not exist, or the document is not available to you).';
    });
    const prev = h('button', { type: 'button', disabled: st.page <= 1, on: { click: () => { st.page -= 1; st.focus = 'prev'; show(); } } }, '← Previous page');
    const next = h('button', { type: 'button', disabled: total !== null && st.page >= total, on: { click: () => { st.page += 1; st.focus = 'next'; show(); } } }, 'Next page →');
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close the page viewer', on: { click: () => dlg.close() } }, '×');
    const where = h('p.where', 'Page ' + st.page + (total ? ' of ' + total : '') + (st.page === st.chunkPage && st.pageLabel ? ' (printed page ' + st.pageLabel + ')' : ''));
    clear(dlg,
        h('div.viewer-head', title, close),
        st.cite ? h('p.cite', st.cite) : null,
        st.quote && st.page === st.chunkPage ? h('blockquote.quote', st.quote) : null,
        h('div.viewer-nav', prev, where, next),
        imgStatus,
        h('div.page-frame', img));
    if (!dlg.open) dlg.showModal();
    const target = st.focus === 'prev' && !prev.disabled ? prev : st.focus === 'next' && !next.disabled ? next : close;
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

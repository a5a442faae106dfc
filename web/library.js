/* library.js - the Library page (upload by drag and drop or file picker with progress per file and per page,
 * the work queue of `fagpt worker` with pages read, the document list with status, label, pages and chunks,
 * quarantine with reasons and retry, delete, labels) and the document view (metadata, outline, page images with next/previous; tables and figures when the API
 * gives them). */
import { h, clear, table, num, bytes, errorBox, statusLine, field } from './dom.js';
import { get, post, put, del, can, uploadFile } from './api.js';
import { openViewer } from './viewer.js';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/png,image/jpeg,image/tiff';

/* Uploads in this page session: {file, jobId, state, pagesDone, pagesTotal, reason, sent, total, row}. */
const uploads = [];
let pollTimer = null;
let onJobsFinished = null;
let currentList = null; /* the upload list on screen */

function docLink(d) {
    return h('a', { href: '#/library/doc/' + encodeURIComponent(d.id) }, d.publication || d.title || d.doc);
}

function statusBadge(s) {
    const v = String(s || 'unknown');
    return h('span', { class: 'badge state-' + v.replace(/[^a-z0-9]+/gi, '-').toLowerCase() }, v);
}

function uploadRow(u) {
    const upBar = h('progress', { max: 100, value: 0, 'aria-label': 'Upload of ' + u.file.name });
    const pageBar = h('progress', { max: 1, value: 0, 'aria-label': 'Pages of ' + u.file.name + ' ingested' });
    const state = h('span.up-state', 'waiting');
    const detail = h('span.up-detail');
    const pageLine = h('span.bar', { hidden: true }, h('span.bar-label', { 'aria-hidden': 'true' }, 'Pages'), pageBar);
    u.row = { upBar, pageBar, pageLine, state, detail };
    return h('li.upload', h('span.up-name', u.file.name), h('span.up-size', bytes(u.file.size)),
        h('span.up-bars', h('span.bar', h('span.bar-label', { 'aria-hidden': 'true' }, 'Upload'), upBar), pageLine), state, detail);
}

function paintUpload(u) {
    const r = u.row;
    if (!r) return;
    if (u.total) r.upBar.value = Math.round(100 * u.sent / u.total);
    if (u.jobState) {
        r.upBar.value = 100;
        r.pageLine.hidden = false;
        if (u.pagesTotal) { r.pageBar.max = u.pagesTotal; r.pageBar.value = u.pagesDone || 0; }
        else r.pageBar.removeAttribute('value'); /* indeterminate until the page count is known */
    }
    r.state.className = 'up-state badge state-' + (u.error ? 'failed' : u.jobState || 'uploading');
    r.state.textContent = u.error ? 'failed' : u.jobState === 'done' ? 'done' : u.jobState ? u.jobState : 'uploading ' + (u.total ? Math.round(100 * u.sent / u.total) + ' %' : '');
    const bits = [];
    if (u.pagesTotal) bits.push('page ' + (u.pagesDone || 0) + ' of ' + u.pagesTotal);
    if (u.status && u.jobState === 'done') bits.push(u.status);
    if (u.reason) bits.push(u.reason);
    if (u.error) bits.push(u.error);
    r.detail.textContent = bits.join(' · ');
    if (u.jobState === 'done' && u.docId !== undefined && u.docId !== null)
        r.detail.append(' · ', h('a', { href: '#/library/doc/' + encodeURIComponent(u.docId) }, 'open'));
}

async function pollJobs() {
    pollTimer = null;
    const active = uploads.filter(u => u.jobId && u.jobState !== 'done' && u.jobState !== 'failed');
    if (!active.length) return;
    try {
        const j = await get('/api/jobs');
        const byId = new Map((j.jobs || []).map(x => [String(x.id), x]));
        let finished = false;
        for (const u of active) {
            const x = byId.get(String(u.jobId));
            if (!x) continue;
            u.jobState = x.state;
            u.pagesDone = x.pages_done;
            u.pagesTotal = x.pages_total;
            u.reason = x.reason || '';
            u.status = x.status || '';
            u.docId = x.doc_id;
            if (x.state === 'done' || x.state === 'failed') finished = true;
            paintUpload(u);
        }
        if (finished && onJobsFinished) onJobsFinished();
    } catch (e) {
        for (const u of active) { u.reason = 'progress unknown: ' + e.message; paintUpload(u); }
    }
    if (uploads.some(u => u.jobId && u.jobState !== 'done' && u.jobState !== 'failed'))
        pollTimer = setTimeout(pollJobs, 800);
}

async function startUploads(files, list, st) {
    const fresh = Array.from(files).map(file => ({ file, sent: 0, total: file.size, jobId: null, jobState: null }));
    if (!fresh.length) return;
    for (const u of fresh) { uploads.push(u); list.appendChild(uploadRow(u)); paintUpload(u); }
    st.info('Uploading ' + fresh.length + (fresh.length === 1 ? ' file…' : ' files…'));
    /* Two at a time: each file has its own progress, and a large file does not hold up the rest. */
    const queue = fresh.slice();
    const worker = async () => {
        for (let u = queue.shift(); u; u = queue.shift()) {
            try {
                const reply = await uploadFile(u.file, (sent, total) => { u.sent = sent; u.total = total; paintUpload(u); });
                const job = reply && reply.jobs && reply.jobs[0];
                if (job) { u.jobId = job.id; u.jobState = 'queued'; }
                else u.error = 'the server accepted the file but named no ingest job';
            } catch (e) {
                u.error = e.message;
            }
            paintUpload(u);
            if (!pollTimer) pollTimer = setTimeout(pollJobs, 300);
        }
    };
    await Promise.all([worker(), worker()]);
    const bad = fresh.filter(u => u.error).length;
    if (bad) st.err(bad + ' of ' + fresh.length + ' uploads failed; the reasons are beside each file.');
    else st.ok('Uploaded; ingesting. The list updates when each file is done.');
}

function uploadSection(refresh) {
    const input = h('input#file-input', { type: 'file', multiple: true, accept: ACCEPT, class: 'sr-only' });
    const list = h('ul.uploads', { 'aria-label': 'Uploads' });
    const st = statusLine();
    const zone = h('label.dropzone', { for: 'file-input' },
        h('span.drop-icon', { 'aria-hidden': 'true' }),
        h('strong', 'Drop PDF files here'), ' or ', h('span.fake-link', 'choose files'),
        h('span.hint', 'PDF, PNG, JPEG or TIFF; several at once.'));
    input.addEventListener('change', () => { startUploads(input.files, list, st); input.value = ''; });
    input.addEventListener('focus', () => zone.classList.add('focus'));
    input.addEventListener('blur', () => zone.classList.remove('focus'));
    const stop = ev => { ev.preventDefault(); ev.stopPropagation(); };
    zone.addEventListener('dragenter', ev => { stop(ev); zone.classList.add('over'); });
    zone.addEventListener('dragover', ev => { stop(ev); ev.dataTransfer.dropEffect = 'copy'; zone.classList.add('over'); });
    zone.addEventListener('dragleave', ev => { stop(ev); zone.classList.remove('over'); });
    zone.addEventListener('drop', ev => {
        stop(ev);
        zone.classList.remove('over');
        if (ev.dataTransfer && ev.dataTransfer.files.length) startUploads(ev.dataTransfer.files, list, st);
    });
    for (const u of uploads) { list.appendChild(uploadRow(u)); paintUpload(u); }
    onJobsFinished = refresh;
    currentList = list;
    if (uploads.some(u => u.jobId && u.jobState !== 'done' && u.jobState !== 'failed') && !pollTimer)
        pollTimer = setTimeout(pollJobs, 300);
    return h('section.card', { 'aria-labelledby': 'up-title' }, h('h2#up-title', 'Add documents'), input, zone, st, list);
}

function labelEditor(d, st, refresh) {
    const lid = 'dl-labels';
    const inp = h('input', { type: 'text', value: d.label || '', list: lid, 'aria-label': 'Label of ' + (d.publication || d.doc), size: 14 });
    const btn = h('button', { type: 'button', class: 'small' }, 'Set');
    const go = async () => {
        const label = inp.value.trim();
        if (!label) { st.err('A label cannot be empty (for example DISTRIBUTION A, CUI or a unit name).'); inp.focus(); return; }
        btn.disabled = true;
        try {
            await put('/api/documents/' + encodeURIComponent(d.id) + '/label', { label });
            st.ok('Label of ' + (d.publication || d.doc) + ' set to ' + label + '.');
            refresh();
        } catch (e) { st.err(e); btn.disabled = false; }
    };
    btn.addEventListener('click', go);
    inp.addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); go(); } });
    return h('span.label-edit', inp, btn);
}

async function documentsSection(box, st) {
    const refresh = () => documentsSection(box, st);
    let docs;
    try {
        docs = (await get('/api/documents')).documents || [];
    } catch (e) {
        clear(box, h('h2', 'Documents'), errorBox(e));
        return;
    }
    const known = Array.from(new Set(['DISTRIBUTION A', 'CUI'].concat(docs.map(d => d.label).filter(Boolean)))).sort();
    const cols = [
        { label: 'Publication', get: d => docLink(d) },
        { label: 'Title', get: d => d.title || '' },
        { label: 'File', get: d => d.doc || '', cls: 'mono' },
        { label: 'Status', get: d => statusBadge(d.status) },
        { label: 'Label', get: d => can('admin') ? labelEditor(d, st, refresh) : (d.label || '—') },
        { label: 'Pages', get: d => num(d.pages), cls: 'numeric' },
        { label: 'Chunks', get: d => num(d.chunks), cls: 'numeric' },
        { label: 'Date', get: d => d.date || '' },
    ];
    if (can('operator'))
        cols.push({ label: 'Actions', get: d => h('button', { type: 'button', class: 'small danger', on: { click: async () => {
            if (!confirm('Delete ' + (d.publication || d.doc) + ' from the library? Its passages and page images go too.')) return;
            try { await del('/api/documents/' + encodeURIComponent(d.id)); st.ok('Deleted ' + (d.publication || d.doc) + '.'); refresh(); }
            catch (e) { st.err(e); }
        } } }, 'Delete') });
    clear(box, h('h2', 'Documents (' + docs.length + ')'),
        h('datalist#dl-labels', known.map(l => h('option', { value: l }))),
        table(null, cols, docs, { empty: 'No documents yet.' + (can('operator') ? ' Add some above.' : '') }));
}

async function quarantineSection(box, st, refresh) {
    let q;
    try { q = await get('/api/quarantine'); } catch (e) { clear(box, h('h2', 'Quarantine'), errorBox(e)); return; }
    const files = q.files || [];
    const retry = can('operator') && files.length ? h('button', { type: 'button', on: { click: async () => {
        retry.disabled = true;
        try {
            const r = await post('/api/quarantine/retry');
            const jobs = (r && r.jobs) || [];
            for (const j of jobs) {
                const u = { file: { name: j.file_name, size: null }, sent: 0, total: 0, jobId: j.id, jobState: 'queued' };
                uploads.push(u);
                if (currentList && currentList.isConnected) { currentList.appendChild(uploadRow(u)); paintUpload(u); }
            }
            if (jobs.length && !pollTimer) pollTimer = setTimeout(pollJobs, 300);
            st.ok('Retrying ' + jobs.length + ' file' + (jobs.length === 1 ? '' : 's') + '.');
            refresh();
        } catch (e) { st.err(e); retry.disabled = false; }
    } } }, 'Retry quarantined files') : null;
    clear(box, h('h2', 'Quarantine (' + files.length + ')'),
        h('p.hint', 'Files that failed to ingest, with the reason. Fix the cause (or install what the reason names), then retry.'),
        table(null, [
            { label: 'File', get: f => f.file_name || f.path || '', cls: 'mono' },
            { label: 'Reason', get: f => f.reason || '' },
            { label: 'When', get: f => f.at || '' },
        ], files, { empty: 'Nothing in quarantine.' }), retry);
}

/* The library's work queue (GET /api/jobs, "queue"): files queued with `fagpt ingest --queue` and run by
 * `fagpt worker` on any machine, the same on every server of the library, with pages read so far. Polled every
 * two seconds while a job is queued or running and the section is on screen. */
let queueTimer = null;
function queueProgress(x) {
    if (!x.pages_total) return x.state === 'running' ? h('progress', { 'aria-label': 'Pages of ' + x.file_name + ' read' }) : '—';
    return h('span.q-bar', h('progress', { max: x.pages_total, value: x.pages_done || 0, 'aria-label': 'Pages of ' + x.file_name + ' read' }),
        h('span.q-pages', (x.pages_done || 0) + ' / ' + x.pages_total));
}
async function queueSection(box, onFinished) {
    clearTimeout(queueTimer);
    queueTimer = null;
    let q;
    try { q = (await get('/api/jobs')).queue || []; } catch (e) { clear(box, h('h2', 'Work queue'), errorBox(e)); return; }
    const open = q.filter(x => x.state === 'queued' || x.state === 'running').length;
    box.hidden = !q.length;
    const wasOpen = box.dataset.open === undefined ? open : Number(box.dataset.open);
    box.dataset.open = open;
    clear(box, h('h2', 'Work queue (' + (open ? open + ' open of ' : '') + q.length + ')'),
        h('p.hint', 'Files queued with fagpt ingest --queue and ingested by fagpt worker on any machine of this library.'),
        table(null, [
            { label: 'Job', get: x => String(x.id), cls: 'mono' },
            { label: 'File', get: x => x.file_name || '', cls: 'mono' },
            { label: 'State', get: x => statusBadge(x.state) },
            { label: 'Pages', get: x => queueProgress(x) },
            { label: 'Worker', get: x => x.worker || '—', cls: 'mono' },
            { label: 'Attempts', get: x => num(x.attempts), cls: 'numeric' },
            { label: 'Lease until', get: x => x.state === 'running' ? x.lease_until || '' : '' },
            { label: 'Result', get: x => x.error ? h('span.q-error', x.error)
                : x.doc_id ? h('a', { href: '#/library/doc/' + encodeURIComponent(x.doc_id) }, x.publication || x.doc) : '' },
        ], q, { empty: 'No queued files.' }));
    if (open < wasOpen && onFinished) onFinished();
    if (open) queueTimer = setTimeout(() => { if (box.isConnected) queueSection(box, onFinished); }, 2000);
}

/* Search over the passages the user may read (GET /api/search); each hit opens its page, highlighted. */
function searchSection() {
    const q = h('input#lib-search', { type: 'search', name: 'q', placeholder: 'e.g. clearance of fires', autocomplete: 'off' });
    const out = h('div.search-results', { 'aria-live': 'polite' });
    const form = h('form.inline-form', { role: 'search' }, h('div.field', h('label', { for: 'lib-search' }, 'Search the library'), q),
        h('button', { type: 'submit', class: 'primary' }, 'Search'));
    form.addEventListener('submit', async ev => {
        ev.preventDefault();
        const text = q.value.trim();
        if (!text) { clear(out); q.focus(); return; }
        clear(out, h('p.status', 'Searching…'));
        try {
            const r = await get('/api/search?q=' + encodeURIComponent(text) + '&k=10');
            const hits = r.results || [];
            clear(out, hits.length ? h('ol.hits', hits.map(x => h('li.hit',
                h('p.src-head', h('a', { href: '#/library', on: { click: ev2 => {
                    ev2.preventDefault();
                    openViewer({ docId: x.doc_id, page: x.page || 1, chunk: x.chunk_id, title: x.publication || x.doc,
                        cite: [x.publication || x.doc, x.paragraph ? 'para ' + x.paragraph : null, x.page_label ? 'p. ' + x.page_label : null].filter(Boolean).join(', '),
                        quote: x.text, pageLabel: x.page_label });
                } } }, [x.publication || x.doc, x.paragraph ? 'para ' + x.paragraph : null, 'p. ' + (x.page_label || x.page)].filter(Boolean).join(', ')),
                x.section ? h('span.section', ' · ' + x.section) : null),
                h('p.snippet', (x.text || '').length > 400 ? x.text.slice(0, 400) + '…' : (x.text || '')))))
                : h('p.empty', 'No passage you may read matches "' + text + '".'));
        } catch (e) { clear(out, errorBox(e)); }
    });
    return h('section.card', { 'aria-labelledby': 'search-title' }, h('h2#search-title', 'Search'), form, out);
}

export async function renderLibrary(main) {
    const st = statusLine();
    const docsBox = h('section.card', { 'aria-label': 'Documents' });
    const quarBox = h('section.card', { 'aria-label': 'Quarantine' });
    const queueBox = h('section.card', { 'aria-label': 'Work queue', hidden: true });
    const refresh = () => Promise.all([documentsSection(docsBox, st), quarantineSection(quarBox, st, () => refresh())]);
    clear(main, h('h1', 'Library'), st, can('operator') ? uploadSection(refresh) : null, queueBox, searchSection(), docsBox, quarBox);
    await Promise.all([refresh(), queueSection(queueBox, refresh)]);
}

/* A table's cells ({nrows, ncols, header_rows, cells:[{row, col, rowspan, colspan, text}]}, as `fagpt table
 * --json`) as an HTML table, spans kept, header rows as <th>. */
function cellsTable(t, caption) {
    const rows = [];
    for (let r = 0; r < (t.nrows || 0); r++) rows.push([]);
    for (const c of t.cells || []) if (rows[c.row]) rows[c.row].push(c);
    const hr = t.header_rows || 0;
    const tr = (cells, head) => h('tr', cells.sort((x, y) => x.col - y.col).map(c => h(head ? 'th' : 'td', {
        scope: head ? 'col' : null, rowspan: c.rowspan > 1 ? c.rowspan : null, colspan: c.colspan > 1 ? c.colspan : null }, c.text || '')));
    return h('div.table-wrap', h('table.data.doc-table', caption ? h('caption', caption) : null,
        hr ? h('thead', rows.slice(0, hr).map(r => tr(r, true))) : null,
        h('tbody', rows.slice(hr).map(r => tr(r, false)))));
}

/* Tables and figures of a document, when the API offers them (GET /api/documents/{id}/tables and /figures, as
 * `fagpt tables --json` and `fagpt figures --json`; a table's cells from /tables/{n}, a figure's image from
 * /figures/{n}.png). Without those endpoints the sections do not appear. */
function extrasSection(kind, items, d, goPage) {
    if (!Array.isArray(items)) return null;
    const isTable = kind === 'tables';
    const title = isTable ? 'Tables' : 'Figures';
    const base = '/api/documents/' + encodeURIComponent(d.id) + '/' + kind + '/';
    return h('section.card', { 'aria-labelledby': 'x-' + kind }, h('h2', { id: 'x-' + kind }, title + ' (' + items.length + ')'),
        items.length ? h('ol.extras', items.map((it, i) => {
            const n = it.n || i + 1;
            const name = (it.number ? (isTable ? 'Table ' : 'Figure ') + it.number + '. ' : '') + (it.caption || (isTable ? 'Table ' : 'Figure ') + n);
            const page = it.page || null;
            const bits = [];
            if (isTable && Number.isFinite(it.rows) && Number.isFinite(it.cols)) bits.push(it.rows + ' × ' + it.cols);
            if (!isTable && it.kind) bits.push(it.kind);
            if (!isTable && it.ocr) bits.push('text read by OCR');
            const body = h('div.x-body');
            const li = h('li',
                h('p.x-head', h('strong', name),
                    page ? [' · ', h('a', { href: '#/library/doc/' + encodeURIComponent(d.id) + '/' + page, on: { click: ev => { ev.preventDefault(); goPage(page, it.chunk_id); } } },
                        'page ' + (it.page_label || page))] : null,
                    bits.length ? h('span.x-meta', ' · ' + bits.join(' · ')) : null),
                body);
            if (isTable) {
                const btn = h('button', { type: 'button', class: 'small', 'aria-expanded': 'false' }, 'Show the table');
                btn.addEventListener('click', async () => {
                    if (btn.getAttribute('aria-expanded') === 'true') { clear(body); btn.setAttribute('aria-expanded', 'false'); btn.textContent = 'Show the table'; return; }
                    try {
                        const t = await get(base + encodeURIComponent(n));
                        const cells = t.table || t;
                        clear(body, cells && Array.isArray(cells.cells) ? cellsTable(cells, name) : t.markdown ? h('pre.order-text', t.markdown) : h('p.empty', 'No cells.'));
                        btn.setAttribute('aria-expanded', 'true');
                        btn.textContent = 'Hide the table';
                    } catch (e) { clear(body, errorBox(e)); }
                });
                li.insertBefore(h('p', btn), body);
            } else {
                if (it.width && it.height) {
                    const img = h('img.figure-image', { src: base + encodeURIComponent(n) + '.png', alt: name, loading: 'lazy' });
                    img.addEventListener('error', () => img.remove());
                    body.appendChild(img);
                }
                if (it.description) body.appendChild(h('p.x-text', h('strong', 'Description: '), it.description));
                if (it.text) body.appendChild(h('p.x-text', h('strong', 'Text in the figure: '), it.text));
            }
            return li;
        })) : h('p.empty', 'None found in this document.'));
}

export async function renderDocument(main, id, startPage) {
    const d = await get('/api/documents/' + encodeURIComponent(id));
    const name = d.publication || d.title || d.doc;
    document.title = name + ' · Library · FA-GPT';
    let page = Math.max(1, Math.min(startPage || 1, d.pages || 1));
    let highlight = null;
    const img = h('img.page-image', { alt: '' });
    const imgSt = h('p.status', { role: 'status' });
    img.addEventListener('load', () => { imgSt.textContent = ''; });
    img.addEventListener('error', () => { imgSt.className = 'status error'; imgSt.textContent = 'The image of page ' + page + ' could not be shown.'; });
    const pageInput = h('input', { type: 'number', min: 1, max: d.pages || 1, value: page, class: 'page-num' });
    const pageField = field('Page', pageInput);
    const prev = h('button', { type: 'button' }, '← Previous');
    const next = h('button', { type: 'button' }, 'Next →');
    const pageOf = h('span.of', ' of ' + (d.pages || '?'));
    const show = (p, chunk) => {
        page = Math.max(1, Math.min(p, d.pages || 1));
        highlight = chunk === undefined ? null : chunk;
        pageInput.value = page;
        prev.disabled = page <= 1;
        next.disabled = page >= (d.pages || 1);
        imgSt.className = 'status';
        imgSt.textContent = 'Loading page ' + page + '…';
        img.src = '/api/documents/' + encodeURIComponent(d.id) + '/pages/' + page + '.png' + (highlight != null ? '?highlight=' + encodeURIComponent(highlight) : '');
        img.alt = 'Page ' + page + ' of ' + name;
        history.replaceState(null, '', '#/library/doc/' + encodeURIComponent(d.id) + '/' + page);
    };
    prev.addEventListener('click', () => show(page - 1));
    next.addEventListener('click', () => show(page + 1));
    pageInput.addEventListener('change', () => show(Number(pageInput.value) || 1));

    const meta = [
        ['Publication', d.publication], ['Title', d.title], ['File', d.doc], ['Date', d.date], ['Status', d.status],
        ['Label', d.label], ['Distribution', d.distribution], ['Supersedes', d.supersedes], ['Pages', d.pages],
        ['Passages (chunks)', d.chunks], ['Size', d.size_bytes != null ? bytes(d.size_bytes) : null],
        ['Ingested', d.ingested_at], ['SHA-256', d.sha256],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    const outline = d.outline || [];
    const outlineList = outline.length
        ? h('ol.outline', outline.map(o => h('li', h('a', { href: '#/library/doc/' + encodeURIComponent(d.id) + '/' + o.page,
            on: { click: ev => { ev.preventDefault(); show(o.page); img.scrollIntoView({ block: 'start' }); } } },
        o.section || '(untitled section)'), h('span.pl', ' p. ' + (o.page_label || o.page)))))
        : h('p.empty', 'No structure was found in this document.');

    let tables = d.tables, figures = d.figures;
    const tryList = async (kind) => {
        try { const r = await get('/api/documents/' + encodeURIComponent(d.id) + '/' + kind); return r && r[kind]; }
        catch (e) { return undefined; /* this server has no such endpoint: the section stays away */ }
    };
    if (tables === undefined) tables = await tryList('tables');
    if (figures === undefined) figures = await tryList('figures');

    clear(main,
        h('p.crumbs', h('a', { href: '#/library' }, 'Library'), ' › ', name),
        h('h1', name),
        d.title && d.title !== name ? h('p.subtitle', d.title) : null,
        h('div.doc-layout',
            h('div.doc-side',
                h('section.card', { 'aria-labelledby': 'meta-title' }, h('h2#meta-title', 'About'),
                    h('dl.meta', meta.map(([k, v]) => [h('dt', k), h('dd', String(v))]))),
                h('section.card', { 'aria-labelledby': 'outline-title' }, h('h2#outline-title', 'Structure'), outlineList)),
            h('section.card.doc-pages', { 'aria-labelledby': 'pages-title' }, h('h2#pages-title', 'Pages'),
                h('div.viewer-nav', prev, h('span.pagebox', pageField.wrap, pageOf), next),
                imgSt, h('div.page-frame', img))),
        extrasSection('tables', tables, d, (p, c) => openViewer({ docId: d.id, page: p, chunk: c, title: name, pages: d.pages })),
        extrasSection('figures', figures, d, (p, c) => openViewer({ docId: d.id, page: p, chunk: c, title: name, pages: d.pages })));
    show(page);
}

/* system.js - the System page: version, database, model server and its models, GPUs and the doctor's findings,
 * the ingest queue (this server's uploads, and the library's work queue), the user's API tokens, and for admins
 * the users (add, role, labels, delete), the document labels and the audit log. */
import { h, clear, field, table, num, bytes, errorBox, statusLine, setFieldError } from './dom.js';
import { get, post, patch, put, del, can, session } from './api.js';

const ROLES = ['viewer', 'operator', 'admin'];

function dl(pairs) {
    return h('dl.meta', pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', k), h('dd', v instanceof Node ? v : String(v))]));
}

function overview(sys) {
    const ms = sys.model_server || {};
    const state = ms.api === 'none' || !ms.url
        ? h('span.badge.state-none', 'not configured')
        : ms.up ? h('span.badge.state-done', 'up') : h('span.badge.state-failed', 'down');
    return [
        h('section.card', { 'aria-labelledby': 'sys-title' }, h('h2#sys-title', 'FA-GPT'),
            dl([['Version', sys.version], ['Database', sys.database], ['Documents you can read', num(sys.documents)],
                ['Passages (chunks)', num(sys.chunks)], ['Authentication', sys.no_auth ? 'off (--no-auth)' : 'on']])),
        h('section.card', { 'aria-labelledby': 'ms-title' }, h('h2#ms-title', 'Model server'),
            dl([['State', state], ['Address', ms.url], ['API', ms.api], ['Chat model', ms.chat_model], ['Embedding model', ms.embed_model],
                ['Vision model', ms.vision_model], ['Why none', ms.why_none]]),
            ms.models && ms.models.length ? [h('h3', 'Models offered'), h('ul.models', ms.models.map(m => h('li', m)))] : null,
            !ms.up ? h('p.hint', 'Without a model server, answers are extractive: passages quoted from the library with their citations. Search, firing data and orders work the same.') : null),
    ];
}

function doctorSection(d) {
    if (!d) return null;
    const host = d.host || {};
    const v = d.versions || {};
    const gpus = d.gpus || [];
    return h('section.card', { 'aria-labelledby': 'doc-title' }, h('h2#doc-title', 'Doctor'),
        dl([['Overall', d.worst || (d.ok ? 'ok' : 'problems')], ['CPU', host.cpu ? host.cpu + (host.cores ? ', ' + host.cores + ' cores' : '') : null],
            ['Memory', host.mem_total ? bytes(host.mem_available) + ' free of ' + bytes(host.mem_total) : null],
            ['Disk', host.disk_total ? bytes(host.disk_free) + ' free of ' + bytes(host.disk_total) : null],
            ['Versions', Object.entries(v).filter(([, x]) => x).map(([k, x]) => k + ' ' + x).join(', ')],
            ['GPUs', gpus.length ? null : 'none found (models run on the CPU)']]),
        gpus.length ? table('GPUs', [
            { label: 'Vendor', get: g => g.vendor || '' },
            { label: 'Name', get: g => g.name || '' },
            { label: 'Architecture', get: g => g.gfx || '' },
            { label: 'Memory', get: g => g.vram ? bytes(g.vram) : '—', cls: 'numeric' },
            { label: 'Compute units', get: g => g.compute_units ? String(g.compute_units) : '—', cls: 'numeric' },
            { label: 'Driver', get: g => g.driver || '' },
            { label: 'Found by', get: g => g.source || '' },
        ], gpus) : null,
        (d.servers || []).length ? table('Model servers the doctor tried', [
            { label: 'Kind', get: x => x.kind || '' },
            { label: 'Address', get: x => x.url || '', cls: 'mono' },
            { label: 'Configured', get: x => x.configured ? 'yes' : 'no' },
            { label: 'Reachable', get: x => x.reachable ? 'yes' : 'no' },
            { label: 'Version', get: x => x.version || '' },
            { label: 'Models', get: x => (x.models || []).map(m => typeof m === 'string' ? m : m.name).join(', ') },
            { label: 'Error', get: x => x.error || '' },
        ], d.servers) : null,
        table('Findings', [
            { label: 'Severity', get: f => h('span', { class: 'badge sev-' + String(f.severity || '').replace(/[^a-z]/g, '') }, f.severity || '') },
            { label: 'Area', get: f => f.area || '' },
            { label: 'What', get: f => f.what || '' },
            { label: 'Why', get: f => f.why || '' },
            { label: 'Fix', get: f => f.fix ? h('code', f.fix) : '' },
        ], d.findings || [], { empty: 'No findings.' }));
}

async function jobsSection(box) {
    try {
        const j = await get('/api/jobs');
        clear(box, h('h2', 'Ingest queue'), table(null, [
            { label: 'Job', get: x => String(x.id), cls: 'mono' },
            { label: 'File', get: x => x.file_name || '' },
            { label: 'State', get: x => h('span', { class: 'badge state-' + x.state }, x.state) },
            { label: 'Pages', get: x => x.pages_total ? (x.pages_done || 0) + ' / ' + x.pages_total : '—', cls: 'numeric' },
            { label: 'By', get: x => x.user || '' },
            { label: 'Result', get: x => x.reason || x.status || '' },
        ], j.jobs || [], { empty: 'No ingest jobs since the server started.' }));
        /* The library's work queue (fagpt ingest --queue, run by fagpt worker on any machine), when it has jobs
         * this user may see; the Library page follows them as they run. */
        if ((j.queue || []).length)
            box.append(h('h3', 'Work queue'), table(null, [
                { label: 'Job', get: x => String(x.id), cls: 'mono' },
                { label: 'File', get: x => x.file_name || '' },
                { label: 'State', get: x => h('span', { class: 'badge state-' + x.state }, x.state) },
                { label: 'Pages', get: x => x.pages_total ? (x.pages_done || 0) + ' / ' + x.pages_total : '—', cls: 'numeric' },
                { label: 'Worker', get: x => x.worker || '' },
                { label: 'Result', get: x => x.error || x.publication || x.doc || '' },
            ], j.queue, {}));
    } catch (e) { clear(box, h('h2', 'Ingest queue'), errorBox(e)); }
}

async function tokensSection(box) {
    const st = statusLine();
    let list;
    try { list = (await get('/api/tokens')).tokens || []; } catch (e) { clear(box, h('h2', 'API tokens'), errorBox(e)); return; }
    const name = field('Token name', h('input', { type: 'text', name: 'token-name', placeholder: 'e.g. laptop CLI' }));
    const shown = h('div.token-shown', { 'aria-live': 'polite' });
    const form = h('form.inline-form', name.wrap, h('button', { type: 'submit' }, 'Create token'));
    form.addEventListener('submit', async ev => {
        ev.preventDefault();
        const n = name.input.value.trim();
        if (!n) { setFieldError(name, 'Give the token a name, to know later what uses it.'); return; }
        setFieldError(name, '');
        try {
            const t = await post('/api/tokens', { name: n });
            await tokensSection(box);
            box.querySelector('.token-shown').append(h('p', h('strong', 'Copy this token now; it is shown only once: ')),
                h('code.token', { tabindex: '0' }, t.token), h('p.hint', 'Use it as: Authorization: Bearer <token>'));
        } catch (e) { st.err(e); }
    });
    clear(box, h('h2', 'API tokens'), h('p.hint', 'Tokens let scripts and the CLI use this server as you (no CSRF token needed).'),
        table(null, [
            { label: 'Name', get: t => t.name || '' },
            { label: 'User', get: t => t.user || session.me.user },
            { label: 'Created', get: t => t.created_at || '' },
            { label: 'Actions', get: t => h('button', { type: 'button', class: 'small danger', on: { click: async () => {
                if (!confirm('Revoke the token "' + t.name + '"? Scripts using it stop working.')) return;
                try { await del('/api/tokens/' + encodeURIComponent(t.id)); tokensSection(box); } catch (e) { st.err(e); }
            } } }, 'Revoke') },
        ], list, { empty: 'No tokens.' }), form, shown, st);
}

function splitLabels(s) {
    return s.split(',').map(x => x.trim()).filter(Boolean);
}

async function usersSection(box) {
    const st = statusLine();
    let users;
    try { users = (await get('/api/users')).users || []; } catch (e) { clear(box, h('h2', 'Users'), errorBox(e)); return; }
    const refresh = () => usersSection(box);
    const rows = users.map(u => {
        const role = h('select', { 'aria-label': 'Role of ' + u.username }, ROLES.map(r => h('option', { value: r, selected: r === u.role }, r)));
        const labels = h('input', { type: 'text', value: (u.labels || []).join(', '), 'aria-label': 'Labels of ' + u.username, size: 28 });
        const save = h('button', { type: 'button', class: 'small' }, 'Save');
        save.addEventListener('click', async () => {
            try {
                await patch('/api/users/' + encodeURIComponent(u.username), { role: role.value, labels: splitLabels(labels.value) });
                st.ok('Saved ' + u.username + '.');
            } catch (e) { st.err(e); }
        });
        const remove = u.username === session.me.user ? null : h('button', { type: 'button', class: 'small danger', on: { click: async () => {
            if (!confirm('Delete the account ' + u.username + '?')) return;
            try { await del('/api/users/' + encodeURIComponent(u.username)); st.ok('Deleted ' + u.username + '.'); refresh(); } catch (e) { st.err(e); }
        } } }, 'Delete');
        return { u, role, labels, save, remove };
    });
    const nu = {
        name: field('User name', h('input', { type: 'text', name: 'new-user', autocomplete: 'off' }), { required: true }),
        pass: field('Password', h('input', { type: 'password', name: 'new-pass', autocomplete: 'new-password' }), { required: true }),
        role: field('Role', h('select', { name: 'new-role' }, ROLES.map(r => h('option', { value: r, selected: r === 'viewer' }, r)))),
        labels: field('Labels', h('input', { type: 'text', name: 'new-labels', value: 'DISTRIBUTION A, UNLABELLED' }), { hint: 'Comma-separated: the document labels this user may read.' }),
    };
    const add = h('form.grid-form', { novalidate: true, 'aria-label': 'Add a user' }, nu.name.wrap, nu.pass.wrap, nu.role.wrap, nu.labels.wrap,
        h('div.buttons.span2', h('button', { type: 'submit', class: 'primary' }, 'Add user')));
    add.addEventListener('submit', async ev => {
        ev.preventDefault();
        const username = nu.name.input.value.trim(), password = nu.pass.input.value;
        setFieldError(nu.name, username ? '' : 'Required.');
        setFieldError(nu.pass, password ? '' : 'Required.');
        if (!username || !password) return;
        try {
            await post('/api/users', { username, password, role: nu.role.input.value, labels: splitLabels(nu.labels.input.value) });
            await refresh();
            box.querySelector('.status').textContent = 'Added ' + username + '.';
        } catch (e) { st.err(e); }
    });
    clear(box, h('h2', 'Users'), st,
        table(null, [
            { label: 'User', get: r => r.u.username },
            { label: 'Role', get: r => r.role },
            { label: 'Labels', get: r => r.labels },
            { label: 'Created', get: r => r.u.created_at || '' },
            { label: 'Actions', get: r => h('span.actions', r.save, ' ', r.remove) },
        ], rows, { empty: 'No users.' }),
        h('h3', 'Add a user'), add);
}

async function labelsSection(box) {
    const st = statusLine();
    let docs;
    try { docs = (await get('/api/documents')).documents || []; } catch (e) { clear(box, h('h2', 'Document labels'), errorBox(e)); return; }
    const known = Array.from(new Set(['DISTRIBUTION A', 'CUI'].concat(docs.map(d => d.label).filter(Boolean)))).sort();
    clear(box, h('h2', 'Document labels'),
        h('p.hint', 'A user reads a document only when they hold its label. Set CUI or a unit label to restrict a document.'),
        h('datalist#sys-labels', known.map(l => h('option', { value: l }))), st,
        table(null, [
            { label: 'Document', get: d => d.publication || d.doc },
            { label: 'Distribution', get: d => d.distribution || '' },
            { label: 'Label', get: d => {
                const inp = h('input', { type: 'text', value: d.label || '', list: 'sys-labels', 'aria-label': 'Label of ' + (d.publication || d.doc) });
                const b = h('button', { type: 'button', class: 'small', on: { click: async () => {
                    const label = inp.value.trim();
                    if (!label) { st.err('A label cannot be empty.'); return; }
                    try { await put('/api/documents/' + encodeURIComponent(d.id) + '/label', { label }); st.ok((d.publication || d.doc) + ' is now ' + label + '.'); }
                    catch (e) { st.err(e); }
                } } }, 'Set');
                return h('span.label-edit', inp, b);
            } },
        ], docs, { empty: 'No documents.' }));
}

async function auditSection(box) {
    try {
        const ev = (await get('/api/audit')).events || [];
        clear(box, h('h2', 'Audit log'), table(null, [
            { label: 'When', get: e => e.at || '' },
            { label: 'User', get: e => e.user || '' },
            { label: 'Action', get: e => e.action || '' },
            { label: 'Target', get: e => e.target || '' },
            { label: 'Detail', get: e => e.detail || '' },
        ], ev, { empty: 'No events.', cls: 'data compact' }));
    } catch (e) { clear(box, h('h2', 'Audit log'), errorBox(e)); }
}

export async function renderSystem(main) {
    const sys = await get('/api/system');
    const jobs = h('section.card', { 'aria-label': 'Ingest queue' });
    const tokens = h('section.card', { 'aria-label': 'API tokens' });
    const parts = [h('h1', 'System'), h('div.cards2', overview(sys)), doctorSection(sys.doctor), jobs, tokens];
    const admin = can('admin');
    const users = h('section.card', { 'aria-label': 'Users' });
    const labels = h('section.card', { 'aria-label': 'Document labels' });
    const audit = h('section.card', { 'aria-label': 'Audit log' });
    if (admin) parts.push(users, labels, audit);
    clear(main, parts);
    const work = [jobsSection(jobs), tokensSection(tokens)];
    if (admin) work.push(usersSection(users), labelsSection(labels), auditSection(audit));
    await Promise.all(work);
}

/* app.js - the FA-GPT single-page application: the shell (navigation, the signed-in user, banners), the hash
 * router (#/ask, #/library, #/library/doc/ID, #/fires, #/orders, #/system, #/login, #/setup), and the sign-in
 * and first-run setup pages. Each page lives in its own module and renders into <main>. */
import { h, clear, field, errorBox, statusLine } from './dom.js';
import { session, loadMe, get, post, onUnauthenticated } from './api.js';
import { renderAsk } from './ask.js';
import { renderLibrary, renderDocument } from './library.js';
import { renderFires } from './fires.js';
import { renderOrders } from './orders.js';
import { renderSystem } from './system.js';

const main = document.getElementById('main');
const top = document.getElementById('top');
const banners = document.getElementById('banners');

const PAGES = [
    { route: 'ask', title: 'Ask', render: renderAsk },
    { route: 'library', title: 'Library', render: renderLibrary },
    { route: 'fires', title: 'Fires', render: renderFires },
    { route: 'orders', title: 'Orders', render: renderOrders },
    { route: 'system', title: 'System', render: renderSystem },
];

function renderShell() {
    const me = session.me;
    clear(top);
    clear(banners);
    if (!me) {
        top.appendChild(h('div.brand', h('span.logo', { 'aria-hidden': 'true' }), 'FA-GPT'));
        return;
    }
    const nav = h('nav', { 'aria-label': 'Main' },
        h('ul', PAGES.map(p => h('li', h('a', { href: '#/' + p.route, dataset: { route: p.route } }, p.title)))));
    const who = h('div.who',
        h('span', { class: 'user' }, me.user || 'anonymous'),
        ' ',
        h('span', { class: 'role badge' }, me.role || ''),
        me.no_auth ? null : h('button', { type: 'button', class: 'link', on: { click: signOut } }, 'Sign out'));
    top.append(h('div.brand', h('span.logo', { 'aria-hidden': 'true' }), 'FA-GPT'), nav, who);
    if (me.no_auth)
        banners.appendChild(h('div.banner.warn', { role: 'note' },
            h('strong', 'Authentication is off (--no-auth). '),
            'Everyone who can reach this address acts as an administrator. Use it only on this machine.'));
}

function markNav(route) {
    for (const a of top.querySelectorAll('nav a')) {
        if (a.dataset.route === route) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
    }
}

async function signOut() {
    try { await post('/api/logout'); } catch (e) { /* signed out either way */ }
    session.me = null;
    location.hash = '#/login';
}

function authCard(title, intro, submitLabel, onSubmit, extra) {
    const user = field('User name', h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' }), { required: true });
    const pass = field('Password', h('input', { type: 'password', name: 'password', autocomplete: extra && extra.newPassword ? 'new-password' : 'current-password', required: true }), { required: true, hint: extra && extra.hint });
    const st = statusLine();
    const btn = h('button', { type: 'submit', class: 'primary' }, submitLabel);
    const form = h('form.card.auth', { 'aria-labelledby': 'auth-title', novalidate: true },
        h('h1#auth-title', title), intro ? h('p', intro) : null, user.wrap, pass.wrap, btn, st);
    form.addEventListener('submit', async ev => {
        ev.preventDefault();
        if (!user.input.value.trim() || !pass.input.value) {
            st.err('Enter a user name and a password.');
            return;
        }
        btn.disabled = true;
        st.info('Signing in…');
        try {
            await onSubmit(user.input.value.trim(), pass.input.value);
        } catch (e) {
            st.err(e);
            btn.disabled = false;
            pass.input.select();
        }
    });
    return { form, focus: () => user.input.focus() };
}

async function afterSignIn(reply) {
    session.me = reply;
    await loadMe(); /* the full record (no_auth, all_labels) */
    const back = sessionStorage.getItem('fagpt.after') || '#/ask';
    sessionStorage.removeItem('fagpt.after');
    location.hash = back.startsWith('#/login') || back.startsWith('#/setup') ? '#/ask' : back;
}

async function renderLogin() {
    document.title = 'Sign in · FA-GPT';
    try {
        const st = await get('/api/setup');
        if (st && st.needed) { location.hash = '#/setup'; return; }
    } catch (e) { /* show the form; the sign-in reports the error */ }
    const c = authCard('Sign in', 'Sign in to FA-GPT with your local account.', 'Sign in', async (u, p) => {
        await afterSignIn(await post('/api/login', { username: u, password: p }));
    });
    clear(main, h('div.center', c.form));
    c.focus();
}

async function renderSetup() {
    document.title = 'First-run setup · FA-GPT';
    let st = null;
    try { st = await get('/api/setup'); } catch (e) { clear(main, errorBox(e)); return; }
    if (!st.needed) { location.hash = '#/login'; return; }
    const c = authCard('Create the administrator',
        'No account exists yet. Create the first administrator of this FA-GPT server. ' +
        (st.loopback_only ? 'This page works only from the server machine itself (127.0.0.1).' : ''),
        'Create administrator', async (u, p) => {
            await afterSignIn(await post('/api/setup', { username: u, password: p }));
        }, { newPassword: true, hint: 'Choose a long password; it is stored as an Argon2id hash.' });
    clear(main, h('div.center', c.form));
    c.focus();
}

let routeSeq = 0;
/* Renders the page the hash names. */
async function route() {
    const seq = ++routeSeq;
    let hash = location.hash.replace(/^#\/?/, '');
    if (!hash && location.pathname === '/setup') hash = 'setup';
    const [name, ...rest] = hash.split('/');
    if (name === 'login' || name === 'setup') {
        session.me = null;
        try { await loadMe(); } catch (e) { /* offline: the form says so on submit */ }
        if (session.me) { location.hash = '#/ask'; return; }
        renderShell();
        return name === 'login' ? renderLogin() : renderSetup();
    }
    if (!session.me) {
        try {
            await loadMe();
        } catch (e) {
            renderShell();
            clear(main, errorBox(e));
            return;
        }
        if (!session.me) {
            sessionStorage.setItem('fagpt.after', location.hash || '#/ask');
            location.hash = '#/login';
            return;
        }
    }
    if (seq !== routeSeq) return;
    renderShell();
    const page = PAGES.find(p => p.route === name) || PAGES[0];
    markNav(page.route);
    document.title = page.title + ' · FA-GPT';
    clear(main, h('p.loading', 'Loading…'));
    /* The page renders off-screen and replaces the old one only if no later navigation came meanwhile. */
    const view = h('div.view');
    try {
        if (page.route === 'library' && rest[0] === 'doc' && rest[1])
            await renderDocument(view, decodeURIComponent(rest[1]), Number(rest[2]) || 1);
        else
            await page.render(view, rest);
    } catch (e) {
        clear(view, errorBox(e));
    }
    if (seq !== routeSeq) return;
    clear(main, view);
    /* After a navigation focus goes to the new page (its first field, or <main>); on the first load it stays at
     * the document's start, so the first Tab reaches the skip link. */
    const first = view.querySelector('[data-autofocus]');
    if (navigated || first) (first || main).focus({ preventScroll: true });
    navigated = true;
}
let navigated = false;

onUnauthenticated(() => {
    if (!session.me) return;
    session.me = null;
    sessionStorage.setItem('fagpt.after', location.hash);
    location.hash = '#/login';
});

window.addEventListener('hashchange', route);
route();

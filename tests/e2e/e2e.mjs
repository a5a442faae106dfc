// e2e.mjs - FA-GPT's browser tests: Playwright (playwright-core) driving Debian's Chromium headless against a
// running `fagpt serve`. Run by tests/integration/web_e2e.sh, which starts the servers and creates the users;
// every check prints one TAP line ("ok N - ..." / "not ok N - ..."), and a screenshot of each page goes to
// $FAGPT_ARTIFACTS. Environment: FAGPT_E2E_BASE (the server's URL), FAGPT_E2E_NOAUTH_BASE (a --no-auth
// server, its library ingested from the work queue: FAGPT_E2E_PDF), FAGPT_E2E_PDF (a corpus PDF to upload),
// FAGPT_E2E_ADMIN / _VIEWER ("name:password"), TAP_START.
import { chromium } from 'playwright-core';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const env = process.env;
const BASE = env.FAGPT_E2E_BASE.replace(/\/$/, '');
const NOAUTH = (env.FAGPT_E2E_NOAUTH_BASE || '').replace(/\/$/, '');
const SETUP = (env.FAGPT_E2E_SETUP_BASE || '').replace(/\/$/, '');
const PDF = env.FAGPT_E2E_PDF;
const XSS_PDF = env.FAGPT_E2E_XSS_PDF; /* written by xss-pdf.py: payloads in the text and the title */
const ART = env.FAGPT_ARTIFACTS || 'build/e2e-artifacts';
const [ADMIN, ADMIN_PW] = (env.FAGPT_E2E_ADMIN || 'admin:').split(/:(.*)/s);
const [VIEWER, VIEWER_PW] = (env.FAGPT_E2E_VIEWER || 'viewer:').split(/:(.*)/s);
const INGEST_MS = Number(env.FAGPT_E2E_INGEST_MS || 600000);
const LABEL = /computed by FA-GPT for training and planning/i;
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> what are fires?';
const XSS_ANSWER = 'Shown as text: <img src=x onerror="window.__xss=3"><script>window.__xss=4</script> [1].';
const LLM_CTL = env.FAGPT_E2E_LLM_CTL; /* the stand-in model server's control file (llmserver.py) */
const MODEL = 'qwen2.5:7b';
const ANSWER = 'The fires warfighting function integrates Army, multinational and joint fires through targeting, ' +
    'the operations process, fire support and airspace planning and management [1]. Fire support is one of its tasks [1].';

/* Tells the stand-in model server how to answer the next requests. */
async function model(behaviour) {
    if (!LLM_CTL) throw new Error('no stand-in model server (FAGPT_E2E_LLM_CTL)');
    await writeFile(LLM_CTL, JSON.stringify(Object.assign({ models: [MODEL] }, behaviour)));
}

let n = Number(env.TAP_START || 0);
const problems = []; /* script errors and CSP violations seen in any page */

function tap(good, name, why) {
    n += 1;
    console.log((good ? 'ok ' : 'not ok ') + n + ' - ' + name);
    if (!good) {
        for (const line of String(why || '').split('\n').slice(0, 6)) console.log('#   ' + line);
    }
}

/* Runs one check: fn throws (or rejects) to fail it, with the reason on the TAP line's comment. */
async function check(name, fn) {
    try {
        await fn();
        tap(true, name);
        return true;
    } catch (e) {
        tap(false, name, e && e.message ? e.message : String(e));
        for (const [who, p] of pages) await shot(p, 'failed-' + n + '-' + who + '.png');
        return false;
    }
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }

async function shot(page, name) {
    await page.screenshot({ path: path.join(ART, name), fullPage: true }).catch(() => {});
}

const pages = new Map(); /* who -> open page, for a screenshot when a check fails */

function watch(page, who) {
    pages.set(who, page);
    page.on('close', () => pages.delete(who));
    page.on('pageerror', e => problems.push(who + ': script error: ' + e.message));
    page.on('console', m => {
        const t = m.text();
        if (m.type() === 'error' && !/^Failed to load resource/.test(t)) problems.push(who + ': console: ' + t);
        if (/Content Security Policy/i.test(t)) problems.push(who + ': CSP: ' + t);
    });
    page.setDefaultTimeout(30000);
}

async function signIn(page, user, pw) {
    await page.goto(BASE + '/#/login');
    await page.waitForSelector('#auth-title');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', pw);
    await page.click('form.auth button[type=submit]');
    await page.waitForSelector('nav a[data-route=ask]');
}

/* Fetches from inside the page (the session cookie goes with it): {status, body}. */
function pageFetch(page, url) {
    return page.evaluate(async (u) => {
        const r = await fetch(u, { credentials: 'same-origin' });
        return { status: r.status, body: await r.text() };
    }, url);
}

async function ask(page, question) {
    await page.goto(BASE + '/#/ask');
    await page.waitForSelector('#question');
    const before = await page.locator('li.turn').count();
    await page.fill('#question', question);
    await page.press('#question', 'Enter');
    const turn = page.locator('li.turn').nth(before);
    await turn.locator('.msg.assistant[aria-busy=false]').waitFor({ timeout: 120000 });
    return turn;
}

async function download(page, click) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), click()]);
    const file = await dl.path();
    return { name: dl.suggestedFilename(), bytes: await readFile(file) };
}

async function main() {
    await mkdir(ART, { recursive: true });
    const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await adminCtx.newPage();
    watch(page, 'admin');
    const pubName = path.basename(PDF).replace(/_/g, ' ').replace(/^(\w+) ([\d.-]+).*/, '$1 $2');

    await check('sign-in page shows, and the admin signs in', async () => {
        await page.goto(BASE + '/');
        await page.waitForSelector('#auth-title');
        await shot(page, '01-sign-in.png');
        await signIn(page, ADMIN, ADMIN_PW);
        const who = await page.textContent('#top .who');
        assert(who.includes(ADMIN) && who.includes('admin'), 'header shows "' + who + '"');
    });

    await check('keyboard: the skip link comes first and the focused control is visibly outlined', async () => {
        await page.goto(BASE + '/#/fires');
        await page.reload();
        await page.waitForSelector('#solve-title');
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => document.activeElement && document.activeElement.className);
        assert(first === 'skip', 'first Tab stop: ' + first);
        await page.keyboard.press('Tab');
        const outline = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; });
        assert(!/^none/.test(outline) && !/ 0px$/.test(outline), 'focus outline: ' + outline);
    });

    await check('a wrong password is refused with a message in plain words', async () => {
        const ctx = await browser.newContext();
        const p = await ctx.newPage();
        await p.goto(BASE + '/#/login');
        await p.waitForSelector('#auth-title');
        await p.fill('input[name=username]', ADMIN);
        await p.fill('input[name=password]', 'wrong password');
        await p.click('form.auth button[type=submit]');
        await p.waitForSelector('form.auth .status.error');
        const msg = await p.textContent('form.auth .status.error');
        assert(msg.trim().length > 5 && !/^\s*\{/.test(msg), 'message: ' + msg);
        await ctx.close();
    });

    let docId = null;
    const uploaded = await check('upload ' + path.basename(PDF) + ' with the file picker: upload and page progress, then done', async () => {
        await page.goto(BASE + '/#/library');
        await page.waitForSelector('#file-input', { state: 'attached' });
        await page.setInputFiles('#file-input', PDF);
        const row = page.locator('li.upload').last();
        await row.waitFor();
        assert(await row.locator('progress').count() === 2, 'a file row has an upload bar and a page bar');
        let sawPages = false;
        const t0 = Date.now();
        for (;;) {
            const state = (await row.locator('.up-state').textContent()).trim();
            const detail = (await row.locator('.up-detail').textContent()).trim();
            if (/page \d+ of \d+/.test(detail)) sawPages = true;
            if (state === 'done') break;
            if (state === 'failed') throw new Error('ingest failed: ' + detail);
            if (Date.now() - t0 > INGEST_MS) throw new Error('not done after ' + INGEST_MS / 1000 + ' s: ' + state + ' ' + detail);
            await page.waitForTimeout(500);
        }
        assert(sawPages, 'the row showed "page N of M" while ingesting');
        await row.locator('a:has-text("open")').waitFor();
        await page.locator('table.data td a', { hasText: pubName }).first().waitFor({ timeout: 15000 });
        await shot(page, '02-library.png');
        const docs = JSON.parse((await pageFetch(page, '/api/documents')).body).documents;
        const d = docs.find(x => x.doc === path.basename(PDF));
        assert(d, 'the document is in /api/documents');
        docId = d.id;
    });

    await check('document view: metadata, structure, page image with next/previous', async () => {
        assert(docId !== null, 'no document (upload failed)');
        await page.goto(BASE + '/#/library/doc/' + encodeURIComponent(docId));
        await page.waitForSelector('dl.meta');
        const img = page.locator('.doc-pages img.page-image');
        await page.waitForFunction(() => { const i = document.querySelector('.doc-pages img.page-image'); return i && i.complete && i.naturalWidth > 100; });
        await page.click('.doc-pages button:has-text("Next")');
        await page.waitForFunction(() => { const i = document.querySelector('.doc-pages img.page-image'); return i && /pages\/2\.png/.test(i.src) && i.complete && i.naturalWidth > 100; });
        assert(await page.locator('ol.outline li').count() > 0, 'the structure lists sections');
        assert((await img.getAttribute('alt')).includes('Page 2'), 'the image says which page it is');
        await shot(page, '03-document.png');
    });

    {
        /* The tables and figures sections: real endpoints when this server has them, else the shapes of `fagpt
         * tables/table/figures --json` (the docs branch) answered by the test, to check that the sections slot in
         * and escape what they show. */
        const real = docId !== null && (await pageFetch(page, '/api/documents/' + docId + '/tables')).status === 200;
        await check('document view: tables and figures sections (' + (real ? 'from the server' : 'the CLI\'s JSON shapes answered by the test; the server has no endpoint yet') + '), cells escaped', async () => {
            assert(docId !== null, 'no document (upload failed)');
            const evil = '<img src=x onerror="window.__xss=5">';
            if (!real) {
                const json = (route, obj) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(obj) });
                await page.route('**/api/documents/' + docId + '/tables', r => json(r, { id: docId, tables: [
                    { n: 1, number: '2-1', caption: 'Fire support tasks ' + evil, page: 20, page_end: 20, page_label: '2-4', rows: 3, cols: 2, header_rows: 1, ruled: true }] }));
                await page.route('**/api/documents/' + docId + '/tables/1', r => json(r, { n: 1, number: '2-1', caption: 'Fire support tasks', page: 20, page_end: 20, page_label: '2-4',
                    table: { nrows: 3, ncols: 2, header_rows: 1, ruled: true, cells: [
                        { row: 0, col: 0, rowspan: 1, colspan: 1, text: 'Task' }, { row: 0, col: 1, rowspan: 1, colspan: 1, text: 'Means' },
                        { row: 1, col: 0, rowspan: 2, colspan: 1, text: 'Targeting' }, { row: 1, col: 1, rowspan: 1, colspan: 1, text: evil },
                        { row: 2, col: 1, rowspan: 1, colspan: 1, text: 'Fire support' }] } }));
                await page.route('**/api/documents/' + docId + '/figures', r => json(r, { id: docId, figures: [
                    { n: 1, number: '1-1', caption: 'The fires warfighting function', page: 12, page_label: '1-2', kind: 'vector', width: 0, height: 0, ocr: false, text: evil, description: null }] }));
            }
            await page.goto(BASE + '/#/library/doc/' + encodeURIComponent(docId));
            await page.waitForSelector('#x-tables');
            await page.waitForSelector('#x-figures');
            await page.locator('ol.extras button:has-text("Show the table")').first().click();
            await page.waitForSelector('table.doc-table tbody tr');
            if (!real) {
                assert(await page.locator('table.doc-table td[rowspan="2"]').count() === 1, 'the spanning cell lost its rowspan');
                assert((await page.textContent('section[aria-labelledby=x-tables]')).includes(evil), 'the payload is not shown as text');
                assert((await page.textContent('section[aria-labelledby=x-figures]')).includes(evil), 'the figure text is not shown as text');
                assert(await page.locator('ol.extras img:not(.figure-image)').count() === 0 && await page.evaluate(() => window.__xss === undefined), 'a payload ran');
                await page.unrouteAll();
            }
            await shot(page, '03-document-tables.png');
        });
    }

    await check('drag and drop: an unsupported file is refused in plain words; a broken PDF fails into quarantine with its reason, and Retry runs it again', async () => {
        await page.goto(BASE + '/#/library');
        await page.waitForSelector('label.dropzone');
        const dt = await page.evaluateHandle(() => {
            const d = new DataTransfer();
            d.items.add(new File(['%PDF-1.4\nthis is not really a PDF\n'], 'broken-e2e.pdf', { type: 'application/pdf' }));
            d.items.add(new File(['just some notes'], 'notes-e2e.txt', { type: 'text/plain' }));
            return d;
        });
        await page.dispatchEvent('label.dropzone', 'drop', { dataTransfer: dt });
        const txt = page.locator('li.upload', { hasText: 'notes-e2e.txt' });
        await txt.locator('.up-state', { hasText: 'failed' }).waitFor();
        const why = await txt.locator('.up-detail').textContent();
        assert(why.length > 10 && !why.includes('{'), 'refusal: ' + why);
        const bad = page.locator('li.upload', { hasText: 'broken-e2e.pdf' });
        await bad.locator('.up-state', { hasText: 'failed' }).waitFor({ timeout: 60000 });
        const q = page.locator('section[aria-label=Quarantine] tbody tr', { hasText: 'broken-e2e.pdf' });
        await q.waitFor();
        const reason = await q.locator('td').nth(1).textContent();
        assert(reason.trim().length > 5, 'quarantine reason: ' + reason);
        await page.click('button:has-text("Retry quarantined files")');
        await page.waitForFunction(() => document.querySelectorAll('li.upload').length >= 4);
        await page.locator('li.upload').last().locator('.up-state', { hasText: 'failed' }).waitFor({ timeout: 60000 });
    });

    await check('a PDF whose text and title carry HTML/script payloads: the library, search and page viewer show them as text', async () => {
        assert(XSS_PDF, 'no payload PDF (FAGPT_E2E_XSS_PDF)');
        await page.goto(BASE + '/#/library');
        await page.waitForSelector('#file-input', { state: 'attached' });
        await page.setInputFiles('#file-input', XSS_PDF);
        const row = page.locator('li.upload', { hasText: path.basename(XSS_PDF) });
        await row.locator('.up-state', { hasText: /^(done|failed)$/ }).waitFor({ timeout: 120000 });
        assert((await row.locator('.up-state').textContent()) === 'done', 'ingest: ' + await row.locator('.up-detail').textContent());
        await page.waitForFunction(() => document.querySelector('section[aria-label=Documents]').textContent.includes('Payload title'));
        assert((await page.textContent('section[aria-label=Documents]')).includes('<svg onload="window.__xss=9">Payload title'), 'the title is not shown as text');
        await page.fill('#lib-search', 'payload battery');
        await page.click('form[role=search] button');
        const hit = page.locator('.search-results li.hit', { hasText: 'Payload' }).first();
        await hit.waitFor();
        assert((await hit.textContent()).includes('<img src=x onerror="window.__xss=7"><script>window.__xss=8</script>'), 'the snippet is not shown as text');
        await hit.locator('a').first().click();
        await page.waitForSelector('dialog#viewer[open] blockquote.quote');
        assert((await page.textContent('dialog#viewer blockquote.quote')).includes('<script>window.__xss=8</script>'), 'the viewer quote is not text');
        await shot(page, '02-library-payload.png');
        await page.keyboard.press('Escape');
        assert(await page.locator('#main img:not(.page-image), #main svg:not(.plot), #main script').count() === 0, 'the payload made elements');
        assert(await page.evaluate(() => window.__xss === undefined), 'a payload ran');
    });

    let citedTurn = null;
    await check('ask: the model\'s answer streams in, with citation links and a sources panel', async () => {
        await model({ answer: ANSWER, token_ms: 80 });
        await page.goto(BASE + '/#/ask');
        await page.waitForSelector('#question');
        await page.fill('#question', 'What are the fire support tasks?');
        await page.press('#question', 'Enter');
        const turn = page.locator('li.turn').first();
        /* Part of the answer shows while the rest is still coming. */
        await page.waitForFunction(() => {
            const t = document.querySelector('li.turn .msg.assistant[aria-busy=true] .streaming');
            return t && t.textContent.length > 0;
        }, null, { timeout: 60000 });
        const partial = await turn.locator('.streaming').textContent();
        await turn.locator('.msg.assistant[aria-busy=false]').waitFor({ timeout: 120000 });
        const text = await turn.locator('.answer-body').textContent();
        assert(partial.length < text.length, 'nothing was streamed before the end (' + partial.length + ' of ' + text.length + ')');
        assert(text.includes('fires warfighting function integrates'), 'answer text: ' + text.slice(0, 200));
        assert(await turn.locator('a.cite').count() > 0, 'no [n] citation link in: ' + text.slice(0, 300));
        assert(await turn.locator('.answer-mode').count() === 0, 'a model answer is marked extractive');
        assert(await page.locator('ol.source-list li').count() > 0, 'the sources panel is empty');
        const banner = await page.locator('.model-banner').textContent();
        assert(banner.includes('Answers by ' + MODEL), 'the model banner: ' + banner);
        citedTurn = turn;
        await shot(page, '04-ask.png');
    });

    await check('the conversation stays when the user goes to another page and back, with its id', async () => {
        await page.goto(BASE + '/#/orders');
        await page.waitForSelector('#product');
        await page.goto(BASE + '/#/ask');
        await page.waitForSelector('li.turn');
        assert(await page.locator('li.turn').count() === 1, 'turns after coming back: ' + await page.locator('li.turn').count());
        const meta = await page.textContent('.conv-meta');
        assert(/Conversation [0-9a-f]{8}/.test(meta), 'conversation id shown as: ' + meta);
        citedTurn = page.locator('li.turn').first();
    });

    await check('a new conversation starts empty; the earlier one can be reopened', async () => {
        await page.click('button:has-text("New conversation")');
        assert(await page.locator('li.turn').count() === 0, 'the new conversation is not empty');
        await page.click('details.history summary');
        await page.click('details.history li button');
        await page.waitForSelector('li.turn');
        assert(await page.locator('li.turn').count() === 1 && /Conversation [0-9a-f]{8}/.test(await page.textContent('.conv-meta')), 'not reopened');
        citedTurn = page.locator('li.turn').first();
    });

    await check('a citation opens the page image with the passage highlighted; arrow keys turn the page', async () => {
        assert(citedTurn, 'no answer with citations');
        await citedTurn.locator('a.cite').first().click();
        await page.waitForSelector('dialog#viewer[open] img.page-image');
        await page.waitForFunction(() => { const i = document.querySelector('dialog#viewer img.page-image'); return i && i.complete && i.naturalWidth > 100; });
        const src = await page.getAttribute('dialog#viewer img.page-image', 'src');
        assert(/highlight=/.test(src), 'image URL without highlight: ' + src);
        const plain = src.replace(/\?highlight=[^&]*&?/, '?').replace(/\?$/, '');
        const cmp = await page.evaluate(async ([a, b]) => {
            const x = new Uint8Array(await (await fetch(a)).arrayBuffer());
            const y = new Uint8Array(await (await fetch(b)).arrayBuffer());
            let same = x.length === y.length;
            for (let i = 0; same && i < x.length; i++) if (x[i] !== y[i]) same = false;
            return { same, png: x[0] === 0x89 && x[1] === 0x50 };
        }, [src, plain]);
        assert(cmp.png, 'the page image is not a PNG');
        assert(!cmp.same, 'the highlighted image is the same as the plain page (no highlight drawn)');
        await shot(page, '05-citation.png');
        const pageNo = async () => Number(/pages\/(\d+)\.png/.exec(await page.getAttribute('dialog#viewer img.page-image', 'src'))[1]);
        const p0 = await pageNo();
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(n => /pages\/(\d+)\.png/.exec(document.querySelector('dialog#viewer img.page-image').src)[1] === String(n), p0 + 1);
        assert(!/highlight=/.test(await page.getAttribute('dialog#viewer img.page-image', 'src')), 'the next page is highlighted too');
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction(n => /pages\/(\d+)\.png/.exec(document.querySelector('dialog#viewer img.page-image').src)[1] === String(n), p0);
        await page.keyboard.press('Escape');
        await page.waitForSelector('dialog#viewer:not([open])', { state: 'attached' });
    });

    await check('XSS payloads in a question and in the model\'s answer show as text and run nothing', async () => {
        await model({ answer: XSS_ANSWER });
        const turn = await ask(page, XSS);
        const shown = await turn.locator('.msg.user .text').textContent();
        assert(shown === XSS, 'the question shows as "' + shown + '"');
        const answer = await turn.locator('.answer-body').textContent();
        assert(answer.includes('<img src=x onerror="window.__xss=3"><script>window.__xss=4</script>'), 'the answer shows as "' + answer + '"');
        assert(await page.locator('#main li.turn img, #main li.turn script').count() === 0, 'the payload made elements');
        assert(await page.evaluate(() => window.__xss === undefined), 'the payload ran');
        await shot(page, '06-ask-xss.png');
    });

    await check('the model server down: the answer is extractive and says so, and the Ask page shows a banner', async () => {
        await model({ status: 503 });
        const turn = await ask(page, 'What is the fires warfighting function?');
        const note = await turn.locator('.answer-mode').textContent();
        assert(/extractive/i.test(note) && /model server/i.test(note), 'note: ' + note);
        assert(await turn.locator('a.cite').count() > 0, 'the extractive answer has no citations');
        await page.waitForSelector('.model-banner .banner.warn');
        const banner = await page.textContent('.model-banner');
        assert(/model server is down/i.test(banner), 'banner: ' + banner);
        await page.goto(BASE + '/#/fires');
        await page.goto(BASE + '/#/ask');
        await page.waitForSelector('.model-banner .banner.warn');
        await shot(page, '06-ask-model-down.png');
        await model({ answer: ANSWER });
    });

    await check('fires: firing data with the training label, and an SVG trajectory with axes and the max ordinate', async () => {
        await page.goto(BASE + '/#/fires');
        await page.waitForSelector('button:has-text("Compute firing data")');
        await page.click('button:has-text("Compute firing data")');
        await page.waitForSelector('svg.plot polyline.path');
        const caption = await page.textContent('table.firing-data caption');
        assert(LABEL.test(caption), 'firing data caption: ' + caption);
        const qe = await page.locator('table.firing-data tr', { hasText: 'Quadrant elevation' }).textContent();
        assert(/\d/.test(qe), 'no QE: ' + qe);
        const pts = (await page.getAttribute('svg.plot polyline.path', 'points')).trim().split(/\s+/).length;
        assert(pts > 10, 'the trajectory has ' + pts + ' points');
        const ticks = await page.locator('svg.plot .axes text').count();
        assert(ticks >= 6, 'axis tick labels: ' + ticks);
        const mo = await page.textContent('svg.plot .maxord text');
        assert(/Max ordinate \d/.test(mo), 'max ordinate mark: ' + mo);
        await shot(page, '07-fires.png');
    });

    await check('fires: a firing table, and its CSV download', async () => {
        await page.click('button:has-text("Show table")');
        await page.waitForSelector('#table-title ~ .results table.data tbody tr td.numeric');
        assert(await page.locator('#table-title ~ .results table.data tbody tr').count() > 3, 'too few rows');
        const f = await download(page, () => page.click('button:has-text("Download CSV")'));
        const lines = f.bytes.toString('utf8').split('\n');
        const head = lines.find(l => l && !l.startsWith('#')) || '';
        assert(/^range/i.test(head) && f.name.endsWith('.csv'), 'CSV ' + f.name + ' header: ' + head.slice(0, 120));
        assert(lines.some(l => LABEL.test(l)), 'the CSV does not carry the training label');
    });

    await check('fires: a mission from a call for fire, then an observer correction in the mission log', async () => {
        await page.fill('form input[name=ot]', '4800');
        await page.click('button:has-text("Start mission")');
        const rows = page.locator('.mission-detail table.data tbody tr');
        await rows.first().waitFor();
        assert(await rows.count() === 1, 'first round');
        await page.fill('.mission-detail input[name=correction]', 'RIGHT 50 ADD 200');
        assert(await page.inputValue('.mission-detail input[name=ot]') === '4800', 'the OT direction of the start is not carried to the correction');
        await page.click('.mission-detail button:has-text("Send correction")');
        await page.waitForFunction(() => document.querySelectorAll('.mission-detail table.data tbody tr').length === 2);
        const r2 = await rows.nth(1).textContent();
        assert(r2.includes('RIGHT 50 ADD 200'), 'round 2: ' + r2);
        await shot(page, '08-mission.png');
    });

    await check('orders: the form validates inline as the user types', async () => {
        await page.goto(BASE + '/#/orders');
        await page.waitForSelector('#product');
        await page.selectOption('#product', 'cff');
        await page.waitForSelector('.validity.ok');
        await page.fill('[data-path="fdc"]', '');
        await page.waitForSelector('[data-path="fdc"][aria-invalid=true]');
        await page.waitForSelector('.problem-list li');
        await page.fill('[data-path="fdc"]', 'H24');
        await page.waitForSelector('.validity.ok');
    });

    await check('orders: preview in a sandboxed frame', async () => {
        await page.click('button:has-text("Preview")');
        const fr = page.locator('iframe.order-frame');
        await fr.waitFor();
        assert((await fr.getAttribute('sandbox')) === '', 'the preview frame is not sandboxed');
        await page.frameLocator('iframe.order-frame').locator('h1').waitFor();
        const t = await page.frameLocator('iframe.order-frame').locator('body').textContent();
        assert(/CALL FOR FIRE/.test(t) && t.includes('H24'), 'preview: ' + t.slice(0, 200));
        await shot(page, '09-orders.png');
    });

    await check('orders: download as PDF (%PDF)', async () => {
        const f = await download(page, () => page.click('button:has-text("PDF")'));
        assert(f.bytes.subarray(0, 4).toString('latin1') === '%PDF', f.name + ' starts ' + JSON.stringify(f.bytes.subarray(0, 8).toString('latin1')));
    });

    await check('orders: download as DOCX (zip signature PK\\x03\\x04)', async () => {
        const f = await download(page, () => page.click('button:has-text("DOCX")'));
        assert(f.bytes[0] === 0x50 && f.bytes[1] === 0x4b && f.bytes[2] === 3 && f.bytes[3] === 4 && f.name.endsWith('.docx'), f.name + ' is not a zip');
    });

    await check('orders: download as Markdown and as text', async () => {
        const md = await download(page, () => page.click('button:has-text("Markdown")'));
        const txt = await download(page, () => page.click('.order-out button:has-text("Text")'));
        assert(md.bytes.toString('utf8').includes('CALL FOR FIRE') && md.name.endsWith('.md'), 'markdown ' + md.name);
        assert(txt.bytes.toString('utf8').includes('ADJUST FIRE, OVER') && txt.name.endsWith('.txt'), 'text ' + txt.name + ': ' + txt.bytes.toString('utf8').slice(0, 80));
    });

    await check('system: version, model server, doctor, ingest queue, users and audit log', async () => {
        await page.goto(BASE + '/#/system');
        await page.waitForSelector('#doc-title');
        for (const t of ['Version', 'Model server', 'Findings', 'Ingest queue', 'Users', 'Document labels', 'Audit log'])
            assert((await page.textContent('main')).includes(t), 'missing ' + t);
        await page.waitForSelector('text=Audit log');
        const audit = await page.locator('section[aria-label="Audit log"] tbody tr').count();
        assert(audit > 0, 'the audit log is empty');
        await shot(page, '10-system.png');
    });

    await check('every form control on every page has a label (or an accessible name)', async () => {
        const missing = [];
        for (const r of ['ask', 'library', 'fires', 'orders', 'system']) {
            await page.goto(BASE + '/#/' + r);
            await page.waitForSelector('main h1');
            await page.waitForLoadState('networkidle');
            const bad = await page.evaluate(() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
                .map(el => el.outerHTML.slice(0, 100)));
            for (const b of bad) missing.push(r + ': ' + b);
        }
        assert(missing.length === 0, missing.join('\n'));
    });

    await check('orders: list items can be added and removed (OPORD task organization)', async () => {
        await page.goto(BASE + '/#/orders');
        await page.selectOption('#product', 'opord');
        await page.waitForSelector('.validity.ok');
        const items = page.locator('fieldset[data-path="task_organization"] > .items > fieldset');
        const before = await items.count();
        await page.click('fieldset[data-path="task_organization"] > .items > button:has-text("Add")');
        assert(await items.count() === before + 1, 'no item added');
        await page.fill('[data-path="task_organization[' + before + '].unit"]', 'D/1-77 FA');
        await page.waitForSelector('.validity.ok');
        await items.nth(before).locator('button:has-text("Remove")').click();
        assert(await items.count() === before, 'the item was not removed');
        await page.fill('[data-path="dtg"]', 'not a date');
        await page.waitForSelector('[data-path="dtg"][aria-invalid=true]');
        const msg = await page.locator('[data-path="dtg"]').evaluate(el => el._field ? el._field.msg.textContent : el.parentElement.querySelector('.field-error').textContent);
        assert(/DTG/.test(msg), 'inline message: ' + msg);
    });

    await check('fires: a bad grid is caught in the form, a bad METCM is refused in plain words', async () => {
        await page.goto(BASE + '/#/fires');
        await page.fill('input[name=gun]', '18SUJ23');
        await page.fill('input[name=target]', 'not a grid');
        await page.click('button:has-text("Compute firing data")');
        await page.waitForSelector('input[name=target][aria-invalid=true]');
        await page.fill('input[name=gun]', '18SUJ2348306479');
        await page.fill('input[name=target]', '18SUJ2348316479');
        await page.fill('textarea[name=met]', 'METCM this is not a met message');
        await page.click('button:has-text("Compute firing data")');
        await page.waitForSelector('#solve-title ~ form .status.error');
        const msg = await page.textContent('#solve-title ~ form .status.error');
        assert(msg.length > 10 && !msg.includes('{'), 'message: ' + msg);
        await page.fill('textarea[name=met]', '');
    });

    await check('system (admin): add a user, change its role; create an API token shown once', async () => {
        await page.goto(BASE + '/#/system');
        await page.waitForSelector('input[name=new-user]');
        await page.fill('input[name=new-user]', 'e2e-op');
        await page.fill('input[name=new-pass]', 'operator-password-1');
        await page.click('form[aria-label="Add a user"] button[type=submit]');
        const row = page.locator('section[aria-label=Users] tbody tr', { hasText: 'e2e-op' });
        await row.waitFor();
        await row.locator('select').selectOption('operator');
        await row.locator('button:has-text("Save")').click();
        await page.waitForSelector('section[aria-label=Users] .status.ok');
        const u = JSON.parse((await pageFetch(page, '/api/users')).body).users.find(x => x.username === 'e2e-op');
        assert(u && u.role === 'operator', 'user: ' + JSON.stringify(u));
        await page.fill('input[name=token-name]', 'e2e script');
        await page.click('button:has-text("Create token")');
        await page.waitForSelector('code.token');
        const tok = (await page.textContent('code.token')).trim();
        const r = await fetch(BASE + '/api/me', { headers: { Authorization: 'Bearer ' + tok } });
        assert(r.status === 200, 'the token does not sign in: ' + r.status);
    });

    const labelled = await check('admin sets the label CUI on the uploaded document', async () => {
        assert(docId !== null, 'no document (upload failed)');
        await page.goto(BASE + '/#/library');
        const row = page.locator('table.data tbody tr', { has: page.locator('a', { hasText: pubName }) }).first();
        await row.waitFor();
        await row.locator('.label-edit input').fill('CUI');
        await row.locator('.label-edit button').click();
        await page.waitForSelector('.status.ok:has-text("CUI")');
        const d = JSON.parse((await pageFetch(page, '/api/documents/' + docId)).body);
        assert(d.label === 'CUI', 'label is ' + d.label);
    });

    const vctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const vp = await vctx.newPage();
    watch(vp, 'viewer');
    await check('the viewer signs in', () => signIn(vp, VIEWER, VIEWER_PW));

    await check('the viewer\'s library does not list the CUI document, and has no upload or label controls', async () => {
        assert(uploaded && labelled, 'needs the upload and the label');
        await vp.goto(BASE + '/#/library');
        await vp.waitForSelector('h2:has-text("Documents")');
        const text = await vp.textContent('main');
        assert(!text.includes(pubName) && !text.includes(path.basename(PDF)), 'the library shows the document');
        assert(await vp.locator('#file-input').count() === 0 && await vp.locator('.label-edit').count() === 0, 'viewer has operator/admin controls');
        await shot(vp, '11-viewer-library.png');
    });

    await check('the viewer\'s search finds nothing from it (the admin\'s does), in the page and in the API', async () => {
        assert(uploaded && labelled, 'needs the upload and the label');
        for (const [p, who] of [[page, 'admin'], [vp, 'viewer']]) {
            await p.goto(BASE + '/#/library');
            await p.fill('#lib-search', 'fire support');
            await p.click('form[role=search] button');
            await p.waitForSelector('.search-results ol.hits, .search-results p.empty');
            const heads = await p.locator('.search-results li.hit .src-head').allTextContents();
            const fromDoc = heads.filter(t => t.includes(pubName)).length;
            if (who === 'admin') assert(fromDoc > 0, 'the admin\'s search page shows no hit from ' + pubName);
            else assert(fromDoc === 0, 'the viewer\'s search page shows ' + fromDoc + ' hits from ' + pubName);
            if (who === 'admin') await shot(p, '02-library-search.png');
        }
        const q = '/api/search?q=' + encodeURIComponent('fire support') + '&k=10';
        const a = JSON.parse((await pageFetch(page, q)).body);
        const v = JSON.parse((await pageFetch(vp, q)).body);
        assert(a.results.some(r => r.doc_id === docId), 'the admin\'s search has no hit either');
        assert(!v.results.some(r => r.doc_id === docId || r.doc === path.basename(PDF)), 'the viewer\'s search shows the document');
    });

    await check('the viewer\'s answers cite nothing from it, and its page image is a 404', async () => {
        assert(uploaded && labelled, 'needs the upload and the label');
        await ask(vp, 'What are the fire support tasks?');
        const cited = await vp.locator('.sources .docname').allTextContents();
        assert(!cited.includes(path.basename(PDF)), 'the answer cites the document: ' + cited.join(', '));
        await shot(vp, '12-viewer-ask.png');
        const img = await pageFetch(vp, '/api/documents/' + docId + '/pages/1.png');
        assert(img.status === 404, 'page image status ' + img.status);
        const users = await pageFetch(vp, '/api/users');
        assert(users.status === 403, '/api/users gave the viewer ' + users.status);
    });

    await check('admin deletes the document from the library (after a confirmation)', async () => {
        assert(docId !== null, 'no document (upload failed)');
        page.once('dialog', d => d.accept());
        await page.goto(BASE + '/#/library');
        const row = page.locator('table.data tbody tr', { has: page.locator('a', { hasText: pubName }) }).first();
        await row.locator('button:has-text("Delete")').click();
        await page.waitForSelector('.status.ok:has-text("Deleted")');
        const docs = JSON.parse((await pageFetch(page, '/api/documents')).body).documents;
        assert(!docs.some(d => d.id === docId), 'still listed');
    });

    await check('the viewer sees fires but no mission form (operator only), then signs out', async () => {
        await vp.goto(BASE + '/#/fires');
        await vp.waitForSelector('#missions-title');
        assert(await vp.locator('button:has-text("Start mission")').count() === 0, 'the viewer has the mission form');
        await vp.click('#top button:has-text("Sign out")');
        await vp.waitForSelector('#auth-title');
        const me = await pageFetch(vp, '/api/me');
        assert(me.status === 401, '/api/me after sign-out: ' + me.status);
    });

    if (SETUP) {
        await check('first run: the setup page creates the administrator and signs them in', async () => {
            const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
            const p = await ctx.newPage();
            watch(p, 'setup');
            await p.goto(SETUP + '/');
            await p.waitForSelector('#auth-title:has-text("Create the administrator")');
            await shot(p, '00-setup.png');
            await p.fill('input[name=username]', 'first-admin');
            await p.fill('input[name=password]', 'first-admin-password');
            await p.click('form.auth button[type=submit]');
            await p.waitForSelector('nav a[data-route=ask]');
            const who = await p.textContent('#top .who');
            assert(who.includes('first-admin') && who.includes('admin'), 'header: ' + who);
            await ctx.close();
        });
    }

    if (NOAUTH) {
        await check('--no-auth (and no model server): the UI shows both banners', async () => {
            const ctx = await browser.newContext({ viewport: { width: 1280, height: 700 } });
            const p = await ctx.newPage();
            watch(p, 'no-auth');
            await p.goto(NOAUTH + '/');
            await p.waitForSelector('#banners .banner');
            const t = await p.textContent('#banners');
            assert(/Authentication is off/.test(t), 'banner: ' + t);
            await p.waitForSelector('.model-banner .banner');
            const m = await p.textContent('.model-banner');
            assert(/No model server is configured/.test(m), 'model banner: ' + m);
            await shot(p, '13-no-auth.png');
            await ctx.close();
        });
        await check('the Library page lists the work queue: the file fagpt worker ingested, done, every page read, and a link to it', async () => {
            const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
            const p = await ctx.newPage();
            watch(p, 'no-auth');
            await p.goto(NOAUTH + '/#/library');
            const box = p.locator('section[aria-label="Work queue"]');
            await box.locator('tbody tr').first().waitFor();
            const row = await box.locator('tbody tr').first().textContent();
            assert(row.includes(path.basename(PDF)) && row.includes('done'), 'queue row: ' + row);
            const bar = box.locator('tbody tr progress').first();
            const [v, max] = [await bar.getAttribute('value'), await bar.getAttribute('max')];
            assert(max && Number(max) > 0 && v === max, 'pages bar ' + v + ' of ' + max);
            assert(await box.locator('tbody tr a[href^="#/library/doc/"]').count() === 1, 'no link to the document');
            await shot(p, '14-work-queue.png');
            await ctx.close();
        });
    }

    await check('no script errors or CSP violations in any page', async () => {
        assert(problems.length === 0, problems.join('\n'));
    });

    await browser.close();
}

main().then(() => process.exit(0), e => {
    tap(false, 'the browser tests ran to the end', e && e.stack ? e.stack : String(e));
    process.exit(0);
});

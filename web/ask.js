/* ask.js - the Ask page: a chat over the library with answers streamed from POST /api/ask (SSE), citation
 * markers [n] as links that open the cited page with the passage highlighted, a sources panel, the
 * conversation kept in the page (with the server's conversation id), and a banner when answers are
 * extractive (no model server configured, or the model server is down). */
import { h, clear, errorBox } from './dom.js';
import { askStream, get } from './api.js';
import { openViewer } from './viewer.js';

/* Conversations outlive page changes (kept until a reload): the current one, and the earlier ones, newest first.
 * Each holds the server's conversation id, which goes with every follow-up question. */
const newConvo = () => ({ id: null, turns: [], selected: -1 });
let convo = newConvo();
const earlier = [];
let running = null;

/* "ADP 3-19, para 2-14, p. 2-5" from a citation. */
function citeText(c) {
    const parts = [c.publication || c.doc || 'document'];
    if (c.paragraph) parts.push('para ' + c.paragraph);
    if (c.page_label) parts.push('p. ' + c.page_label);
    else if (c.page) parts.push('page ' + c.page);
    return parts.join(', ');
}

function openCitation(c) {
    if (c.doc_id === undefined || c.doc_id === null) return;
    openViewer({ docId: c.doc_id, page: c.page || 1, chunk: c.chunk_id, title: c.publication || c.doc,
        cite: '[' + c.n + '] ' + citeText(c), quote: c.quote, pageLabel: c.page_label });
}

/* The answer text with each [n] (or [n, m]) turned into links to citation n. */
function answerNodes(text, citations, turnIndex) {
    const byN = new Map((citations || []).map(c => [Number(c.n), c]));
    const out = [];
    const re = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
        const nums = m[1].split(/[,;]/).map(x => Number(x.trim()));
        if (!nums.every(n => byN.has(n))) continue;
        if (m.index > last) out.push(text.slice(last, m.index));
        const sup = [];
        nums.forEach((n, i) => {
            const c = byN.get(n);
            if (i) sup.push(', ');
            sup.push(h('a.cite', {
                href: '#/ask', 'aria-label': 'Source ' + n + ': ' + citeText(c) + ' (opens the page)',
                dataset: { n: String(n), turn: String(turnIndex) },
                on: { click: ev => { ev.preventDefault(); convo.selected = turnIndex; renderSources(); openCitation(c); } },
            }, String(n)));
        });
        out.push(h('span.cite-group', '[', sup, ']'));
        last = m.index + m[0].length;
    }
    if (last < text.length) out.push(text.slice(last));
    /* Paragraph breaks as the model wrote them. */
    const paras = [h('p')];
    for (const n of out) {
        if (typeof n !== 'string') { paras[paras.length - 1].appendChild(n); continue; }
        const pieces = n.split(/\n{2,}/);
        pieces.forEach((piece, i) => {
            if (i) paras.push(h('p'));
            const lines = piece.split('\n');
            lines.forEach((line, j) => {
                if (j) paras[paras.length - 1].appendChild(h('br'));
                paras[paras.length - 1].appendChild(document.createTextNode(line));
            });
        });
    }
    return paras;
}

let els = null;

function modeBanner(ans) {
    if (!ans) return null;
    const notice = ans.notice || ans.note;
    if (ans.mode === 'llm' && !notice) return null;
    return h('p.answer-mode', { role: 'note' },
        h('strong', ans.mode === 'llm' ? 'Note: ' : 'Extractive answer: '),
        notice || 'quoted from the library (no model wrote it).');
}

function renderTurn(t, i) {
    const q = h('div.msg.user', h('p.who', 'You'), h('p.text', t.question));
    const body = h('div.answer-body');
    if (t.answer) {
        body.append(...answerNodes(t.answer.answer || '', t.answer.citations, i));
        if (t.answer.found === false) body.appendChild(h('p.hint', 'The library had nothing that answers this.'));
    } else if (t.error) {
        body.appendChild(errorBox(t.error));
    } else {
        body.appendChild(h('p.streaming', t.streamed || ''));
        body.appendChild(h('p.typing', { 'aria-hidden': 'true' }, 'Answering…'));
    }
    const a = h('div.msg.assistant', { 'aria-busy': t.answer || t.error ? 'false' : 'true' },
        h('p.who', 'FA-GPT'), modeBanner(t.answer), body);
    if (t.answer && t.answer.citations && t.answer.citations.length)
        a.appendChild(h('p.srcs-link', h('button', { type: 'button', class: 'link',
            on: { click: () => { convo.selected = i; renderSources(); els.sources.focus(); } } },
        'Sources of this answer (' + t.answer.citations.length + ')')));
    return h('li.turn', { dataset: { turn: String(i) } }, q, a);
}

function renderConversation() {
    clear(els.log, convo.turns.map(renderTurn));
    els.empty.hidden = convo.turns.length > 0;
    els.convId.textContent = convo.id ? 'Conversation ' + convo.id.slice(0, 8) : 'New conversation';
    els.log.lastElementChild && els.log.lastElementChild.scrollIntoView({ block: 'end' });
}

function renderHistory() {
    clear(els.history, earlier.length ? [
        h('summary', 'Earlier conversations (' + earlier.length + ')'),
        h('ol.history-list', earlier.map((c, i) => h('li', h('button', { type: 'button', class: 'link', on: { click: () => {
            earlier.splice(i, 1);
            if (convo.turns.length) earlier.unshift(convo);
            convo = c;
            renderConversation();
            renderSources();
            renderHistory();
            els.q.focus();
        } } }, (c.turns[0].question.length > 70 ? c.turns[0].question.slice(0, 70) + '…' : c.turns[0].question) +
            ' (' + c.turns.length + (c.turns.length === 1 ? ' question)' : ' questions)')))))] : null);
    els.history.hidden = !earlier.length;
}

function updateStreaming(t) {
    const li = els.log.querySelector('li[data-turn="' + convo.turns.indexOf(t) + '"] .streaming');
    if (li) li.textContent = t.streamed;
}

function renderSources() {
    const t = convo.turns[convo.selected];
    const cites = t && t.answer ? t.answer.citations || [] : [];
    clear(els.sourceList, cites.map(c => h('li.source',
        h('p.src-head', h('span.n', '[' + c.n + ']'), ' ', h('a', { href: '#/ask', on: { click: ev => { ev.preventDefault(); openCitation(c); } } }, citeText(c))),
        c.section ? h('p.section', c.section) : null,
        c.quote ? h('blockquote.quote', c.quote) : null,
        h('p.docname', c.doc || ''))));
    els.sourcesEmpty.hidden = cites.length > 0;
    els.sourcesFor.textContent = t ? 'For: ' + t.question : '';
}

async function submit(ev) {
    ev.preventDefault();
    const question = els.q.value.trim();
    if (!question) { els.q.focus(); return; }
    if (running) return;
    const t = { question, answer: null, error: null, streamed: '' };
    const c = convo;
    c.turns.push(t);
    c.selected = c.turns.length - 1;
    els.q.value = '';
    renderConversation();
    const ctl = new AbortController();
    running = ctl;
    els.send.disabled = true;
    els.stop.hidden = false;
    try {
        t.answer = await askStream(question, c.id, text => { t.streamed += text; if (c === convo) updateStreaming(t); }, ctl.signal);
        if (t.answer.conversation) c.id = t.answer.conversation;
    } catch (e) {
        t.error = e;
    }
    running = null;
    if (!els) return;
    els.send.disabled = false;
    els.stop.hidden = true;
    renderConversation();
    renderSources();
    if (els.banner.isConnected) paintBanner(els.banner);
    els.live.textContent = t.error ? 'The answer failed: ' + t.error.message : 'Answer ready, with ' + ((t.answer.citations || []).length) + ' sources.';
    els.q.focus();
}

/* The last answer's notice when the model server failed on it (the page-wide banner says so too). */
function lastFailure() {
    for (let i = convo.turns.length - 1; i >= 0; i--) {
        const a = convo.turns[i].answer;
        if (a) return a.mode !== 'llm' && a.notice && /failed|down|unreach|refused|timed? ?out/i.test(a.notice) ? a.notice : null;
    }
    return null;
}

let system = null; /* the last /api/system model_server, for the banner */

function paintBanner(box) {
    const ms = system || {};
    const failed = lastFailure();
    if (system && (ms.api === 'none' || (!ms.url && !ms.up))) {
        clear(box, h('div.banner.info', { role: 'note' }, h('strong', 'No model server is configured. '),
            'Answers are extractive: passages quoted from the library with their citations. ',
            ms.why_none ? '(' + ms.why_none + ')' : ''));
    } else if ((system && !ms.up) || failed) {
        clear(box, h('div.banner.warn', { role: 'alert' }, h('strong', 'The model server is down. '),
            failed ? 'On the last question: ' + failed + '. '
                : 'FA-GPT cannot reach ' + (ms.url || 'the model server') + '. ',
            'Answers are extractive (quoted from the library, with citations) until it is back.'));
    } else if (system) {
        clear(box, h('p.model-ok', 'Answers by ' + (ms.chat_model || 'the chat model') + ' at ' + ms.url + ', grounded in the library.'));
    } else {
        clear(box);
    }
}

async function modelBanner(box) {
    paintBanner(box);
    try {
        system = (await get('/api/system')).model_server || {};
    } catch (e) { /* the answers carry their own notice */ }
    paintBanner(box);
}

export async function renderAsk(main) {
    const banner = h('div.model-banner');
    const q = h('textarea#question', { name: 'question', rows: 3, placeholder: 'e.g. What are the tasks of the fire support coordinator?', required: true });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Ask');
    const stop = h('button', { type: 'button', hidden: true, on: { click: () => running && running.abort() } }, 'Stop');
    const reset = h('button', { type: 'button', on: { click: () => {
        if (running) running.abort();
        if (convo.turns.length) earlier.unshift(convo);
        convo = newConvo();
        renderConversation(); renderSources(); renderHistory(); q.focus();
    } } }, 'New conversation');
    q.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
    });
    const form = h('form.ask-form', { on: { submit } },
        h('label', { for: 'question' }, 'Your question'),
        q, h('p.hint', 'Enter sends; Shift+Enter starts a new line. Answers cite publication, paragraph and page.'),
        h('div.buttons', send, stop, reset));
    els = {
        q, send, stop, banner,
        log: h('ol.chat', { 'aria-label': 'Conversation', 'aria-live': 'off' }),
        empty: h('p.empty', 'Ask a question about the doctrine in the library. Click a citation number to see the page it comes from.'),
        convId: h('span.conv-id'),
        live: h('p.sr-only', { role: 'status', 'aria-live': 'polite' }),
        sources: h('section.sources', { tabindex: '-1', 'aria-labelledby': 'sources-title' }),
        sourceList: h('ol.source-list'),
        sourcesEmpty: h('p.empty', 'The sources of an answer appear here.'),
        sourcesFor: h('p.sources-for'),
        history: h('details.history'),
    };
    els.sources.append(h('h2#sources-title', 'Sources'), els.sourcesFor, els.sourcesEmpty, els.sourceList);
    clear(main,
        h('h1', 'Ask the library'),
        banner,
        h('div.ask-layout',
            h('section.chat-pane', { 'aria-labelledby': 'chat-title' },
                h('h2#chat-title.sr-only', 'Conversation'),
                h('p.conv-meta', els.convId), els.history,
                els.empty, els.log, form, els.live),
            els.sources));
    send.disabled = !!running;
    stop.hidden = !running;
    renderConversation();
    renderSources();
    renderHistory();
    modelBanner(banner);
    q.dataset.autofocus = '';
}

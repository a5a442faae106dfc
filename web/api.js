/* api.js - the FA-GPT JSON API from the browser: the signed-in user (from /api/me), fetch with the CSRF token
 * on every state-changing request, errors turned into plain messages, uploads with progress (XMLHttpRequest)
 * and the streamed answer of /api/ask (Server-Sent Events read from a fetch body). Contract: WEB-API.md. */

export const session = { me: null };

/* An error from the API or the network, with a message meant for the user. */
class ApiError extends Error {
    constructor(message, status, code) {
        super(message);
        this.status = status;
        this.code = code || '';
    }
}

const listeners = { unauthenticated: [] };
export function onUnauthenticated(fn) { listeners.unauthenticated.push(fn); }

function plainMessage(status, body, path) {
    if (body && typeof body.error === 'string' && body.error) return body.error;
    switch (status) {
    case 400: return 'The server could not use that request (' + path + ').';
    case 401: return 'You are signed out. Sign in again.';
    case 403: return 'Your account is not allowed to do that.';
    case 404: return 'Not found.';
    case 413: return 'The file is too large for the server.';
    case 415: return 'That kind of file is not accepted.';
    case 429: return 'Too many requests; wait a moment and try again.';
    default: return 'The server answered with an error (HTTP ' + status + ').';
    }
}

const NETWORK_DOWN = 'The FA-GPT server did not answer. Check that `fagpt serve` is still running, then try again.';

function headersFor(method, extra) {
    const hd = Object.assign({ Accept: 'application/json' }, extra || {});
    if (method !== 'GET' && method !== 'HEAD' && session.me && session.me.csrf)
        hd['X-CSRF-Token'] = session.me.csrf;
    return hd;
}

async function errorFrom(res, path) {
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    const err = new ApiError(plainMessage(res.status, body, path), res.status, body && body.code);
    if (res.status === 401 && path !== '/api/login' && path !== '/api/me')
        listeners.unauthenticated.forEach(fn => fn());
    return err;
}

/* A request to the API: returns the parsed JSON (or null for an empty body). opts.raw returns the Response. */
export async function api(method, path, body, opts) {
    opts = opts || {};
    const init = { method, credentials: 'same-origin', headers: headersFor(method, opts.headers) };
    if (body !== undefined && body !== null) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
    }
    let res;
    try {
        res = await fetch(path, init);
    } catch (e) {
        throw new ApiError(NETWORK_DOWN, 0, 'network');
    }
    if (!res.ok) throw await errorFrom(res, path);
    if (opts.raw) return res;
    const text = await res.text();
    if (!text) return null;
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ApiError('The server sent something that is not JSON for ' + path + '.', res.status, 'bad_json');
    }
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b === undefined ? {} : b);
export const patch = (p, b) => api('PATCH', p, b);
export const put = (p, b) => api('PUT', p, b);
export const del = (p) => api('DELETE', p);

/* A POST whose reply is a file: returns {blob, name, type}. */
export async function postForFile(path, body, fallbackName) {
    const res = await api('POST', path, body, { raw: true, headers: { Accept: '*/*' } });
    const blob = await res.blob();
    const cd = res.headers.get('Content-Disposition') || '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
    let name = m ? decodeURIComponent(m[1]) : fallbackName;
    name = name.replace(/[\\/]/g, '_');
    return { blob, name, type: res.headers.get('Content-Type') || '' };
}

/* Loads the signed-in user; null when signed out. */
export async function loadMe() {
    try {
        session.me = await get('/api/me');
    } catch (e) {
        if (e.status === 401) session.me = null;
        else throw e;
    }
    return session.me;
}

const ROLES = ['viewer', 'operator', 'admin'];
/* Whether the signed-in user holds at least role r. */
export function can(r) {
    if (!session.me) return false;
    return ROLES.indexOf(session.me.role) >= ROLES.indexOf(r);
}

/* Uploads one file as multipart/form-data; onProgress(loaded, total). Resolves to the reply JSON. */
export function uploadFile(file, onProgress) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', '/api/documents');
        xhr.withCredentials = true;
        xhr.setRequestHeader('Accept', 'application/json');
        if (session.me && session.me.csrf) xhr.setRequestHeader('X-CSRF-Token', session.me.csrf);
        xhr.upload.addEventListener('progress', ev => {
            if (ev.lengthComputable) onProgress(ev.loaded, ev.total);
        });
        xhr.addEventListener('load', () => {
            let body = null;
            try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
            if (xhr.status >= 200 && xhr.status < 300) resolve(body);
            else {
                if (xhr.status === 401) listeners.unauthenticated.forEach(fn => fn());
                reject(new ApiError(plainMessage(xhr.status, body, '/api/documents'), xhr.status, body && body.code));
            }
        });
        xhr.addEventListener('error', () => reject(new ApiError(NETWORK_DOWN, 0, 'network')));
        xhr.addEventListener('abort', () => reject(new ApiError('The upload was cancelled.', 0, 'abort')));
        const fd = new FormData();
        fd.append('file', file, file.name);
        xhr.send(fd);
    });
}

/* Asks a question with the answer streamed: onToken(text) for each piece; resolves to the whole answer object
 * (the `done` event). A server that answers with plain JSON instead of a stream is handled too. */
export async function askStream(question, conversation, onToken, signal) {
    const body = { question };
    if (conversation) body.conversation = conversation;
    let res;
    try {
        res = await fetch('/api/ask', {
            method: 'POST', credentials: 'same-origin', signal,
            headers: headersFor('POST', { Accept: 'text/event-stream', 'Content-Type': 'application/json' }),
            body: JSON.stringify(body),
        });
    } catch (e) {
        if (e.name === 'AbortError') throw new ApiError('Stopped.', 0, 'abort');
        throw new ApiError(NETWORK_DOWN, 0, 'network');
    }
    if (!res.ok) throw await errorFrom(res, '/api/ask');
    const type = res.headers.get('Content-Type') || '';
    if (!type.startsWith('text/event-stream')) return res.json();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    let done = null;
    const handle = (block) => {
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const k = i < 0 ? line : line.slice(0, i);
            let v = i < 0 ? '' : line.slice(i + 1);
            if (v.startsWith(' ')) v = v.slice(1);
            if (k === 'event') event = v;
            else if (k === 'data') data.push(v);
        }
        if (!data.length) return;
        let obj;
        try { obj = JSON.parse(data.join('\n')); } catch (e) { return; }
        if (event === 'token' && obj && typeof obj.text === 'string') onToken(obj.text);
        else if (event === 'done') done = obj;
        else if (event === 'error') throw new ApiError((obj && obj.error) || 'The answer failed on the server.', 500, obj && obj.code);
    };
    for (;;) {
        let chunk;
        try {
            chunk = await reader.read();
        } catch (e) {
            if (e.name === 'AbortError') throw new ApiError('Stopped.', 0, 'abort');
            throw new ApiError('The answer stream was cut off. Try again.', 0, 'network');
        }
        if (chunk.done) break;
        buf += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            handle(block);
        }
    }
    if (buf.trim()) handle(buf);
    if (!done) throw new ApiError('The answer stream ended before the answer was complete. Try again.', 0, 'truncated');
    return done;
}

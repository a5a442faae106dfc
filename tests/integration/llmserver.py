#!/usr/bin/env python3
"""llmserver.py - a stand-in model server for the LLM tests (no model weights can exist on these machines).

Speaks Ollama's native API and the OpenAI API as the real servers write them: Go's compact JSON, a
streamed Ollama answer as chunked application/x-ndjson (one JSON object per line, the last with "done": true),
a streamed OpenAI answer as chunked text/event-stream ("data: {...}" events, a blank line after each, and
"data: [DONE]"), and each server's own error bodies (Ollama {"error": "..."}, OpenAI {"error": {"message",
"type", "param", "code"}}). Embeddings are deterministic (from SHA-256 of the text); the chat answer is the
control file's "answer", or one that cites source [1] and a source that was not given; a message with an
image (Ollama "images", OpenAI "image_url" parts) is answered with the decoded image's size and hash.

usage: llmserver.py PORTFILE CONTROLFILE
CONTROLFILE is JSON, re-read on every request:
  api        "ollama", "openai" or "both" (which routes answer)
  models     model names offered; version: Ollama's version string; loaded: names /api/ps lists
  key        when set, /v1/* want "Authorization: Bearer KEY"
  answer     the chat answer (split into tokens at spaces when streamed)
  rewrite    {"follow-up": "standalone question"}: answers to requests to rewrite a follow-up (default: as asked)
  fail       the first N chat/embed requests answer 503 (counted by the server)
  status     every chat/embed request answers this status
  retry_after  sent as the Retry-After header of those failures (seconds, or an HTTP-date string)
  slow_ms    wait this long before answering; token_ms: between streamed tokens
  drop       close the connection after two streamed tokens
  malformed  send a line that is not JSON in the stream (and a non-JSON body when not streaming)
  dim        embedding dimension (default 8)
  rerank     false: no /v1/rerank (404, as a server without a reranker); rerank_boost: a passage holding this
             text scores highest (/v1/rerank, and the chat model's scores); rerank_garbage: the chat model
             answers a rerank request with prose instead of scores
  log        append each request as a JSON line {"method", "path", "auth", "body", "t"} to this file
  convert    how a page-conversion request (an image with a prompt starting "Convert this page", as
             llm_convert_page sends) is answered: "doctags" (the default on Ollama's route, as granite-docling
             writes), "markdown" (the default on OpenAI's), "garbage" (a refusal in prose, no page in it),
             "empty", or "tags" (DocTags markup with no text in it). The page is the same for every image
             except for the image's size and hash, which it quotes, so a test can find it in the library
  convert_slow_ms  wait this long before answering a page-conversion request
  drop_whole close the connection without answering a request that is not streamed
"""
import base64
import hashlib
import os
import json
import re
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def vector(text, dim):
    out, block = [], b""
    i = 0
    while len(out) < dim:
        block = hashlib.sha256(("%d:" % i).encode() + text.encode()).digest()
        for j in range(0, 32, 4):
            if len(out) < dim:
                out.append(round(struct.unpack(">I", block[j:j + 4])[0] / 2**31 - 1.0, 6))
        i += 1
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def ctl(self):
        with open(self.server.control) as f:
            return json.load(f)

    def send_body(self, status, ctype, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, obj, status=200, headers=None):
        self.send_body(status, "application/json; charset=utf-8", dumps(obj).encode(), headers)

    def start_chunked(self, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        if ctype.startswith("text/event-stream"):
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def ollama_error(self, status, msg, headers=None):
        self.send_json({"error": msg}, status, headers)

    def openai_error(self, status, msg, typ, code, headers=None):
        self.send_json({"error": {"message": msg, "type": typ, "param": None, "code": code}}, status, headers)

    def error_for(self, openai, status):
        c = self.ctl()
        msg = c.get("error_msg")  # a message of the test's choosing, e.g. a GPU failure
        headers = {"Retry-After": str(c["retry_after"])} if "retry_after" in c else None
        if openai:
            return self.openai_error(status, msg or "The server is overloaded or not ready yet.", "server_error", None,
                                     headers)
        return self.ollama_error(status, msg or "server busy, please try again. maximum pending requests exceeded",
                                 headers)

    def do_GET(self):
        self.route("GET", None)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        self.route("POST", raw)

    def route(self, method, raw):
        c = self.ctl()
        if c.get("log"):
            with open(c["log"], "a") as f:
                f.write(dumps({"method": method, "path": self.path, "auth": self.headers.get("Authorization"),
                               "body": raw.decode() if raw else None, "t": time.time()}) + "\n")
        api = c.get("api", "both")
        if c.get("slow_ms"):
            time.sleep(c["slow_ms"] / 1000)
        p = self.path
        if p.startswith("/api/") and api in ("ollama", "both"):
            return self.ollama(method, p, raw, c)
        if p.startswith("/v1/") and api in ("openai", "both"):
            if c.get("key") and self.headers.get("Authorization") != "Bearer " + c["key"]:
                return self.openai_error(401, "Incorrect API key provided.", "invalid_request_error",
                                         "invalid_api_key")
            return self.openai(method, p, raw, c)
        if api == "openai":  # llama-server's answer to a path it does not serve
            return self.send_json({"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}},
                                  404)
        self.send_body(404, "text/plain", b"404 page not found")

    def failing(self, c):
        """The status to fail this chat/embed request with, or None."""
        if c.get("status"):
            return c["status"]
        with self.server.lock:
            if self.server.failed < c.get("fail", 0):
                self.server.failed += 1
                return 503
        return None

    def image_answer(self, msgs):
        """For a message with an image: its decoded size and type, so that a test sees the bytes arrived."""
        for m in msgs:
            data, mime = None, None
            if m.get("images"):  # Ollama
                data = base64.b64decode(m["images"][0], validate=True)
            elif isinstance(m.get("content"), list):  # OpenAI content parts
                for part in m["content"]:
                    if part.get("type") == "image_url":
                        url = part["image_url"]["url"]
                        head, b64 = url.split(",", 1)
                        mime = head[len("data:"):].split(";")[0]
                        data = base64.b64decode(b64, validate=True)
            if data is not None:
                return "An image of %d bytes, sha256 %s%s." % (len(data), hashlib.sha256(data).hexdigest()[:16],
                                                               ", " + mime if mime else "")
        return None

    def relevance(self, c, query, doc):
        """A deterministic relevance: the question's distinct words (4 letters or more) found in the passage,
        plus 100 when the passage holds the control file's "rerank_boost" text."""
        words = {w for w in re.findall(r"[a-z]+", query.lower()) if len(w) > 3}
        low = " ".join(doc.lower().split())
        score = sum(1 for w in words if w in low)
        if c.get("rerank_boost") and " ".join(c["rerank_boost"].lower().split()) in low:
            score += 100
        return score

    def conversion(self, c, req, openai):
        """The stand-in document model's reading of a page image, or None when the request is not one."""
        msgs = req.get("messages", [])
        prompt = ""
        for m in msgs:
            if isinstance(m.get("content"), str):
                prompt = m["content"]
            elif isinstance(m.get("content"), list):
                prompt = "".join(p.get("text", "") for p in m["content"] if p.get("type") == "text")
        img = self.image_answer(msgs)
        if not img or not prompt.startswith("Convert this page"):
            return None
        if c.get("convert_slow_ms"):  # a model slower than the client's timeout
            time.sleep(c["convert_slow_ms"] / 1000)
        kind = c.get("convert", "markdown" if openai else "doctags")
        tag = img.split("sha256 ", 1)[1][:16]
        if kind == "garbage":
            return "I am sorry, but I cannot read the text in this image."
        if kind == "empty":
            return ""
        if kind == "tags":
            return "<doctag><picture><loc_10><loc_10><loc_490><loc_490></picture></doctag>"
        # 24 rows, about as many words as a page of a table
        rows = [("%s charge %d" % (bird, k), zone, "Quadrant elevation %d mils" % (312 - 11 * k - 3 * i))
                for i, (bird, zone) in enumerate((("Zebrafinch", "4H"), ("Kestrel", "5H"), ("Osprey", "6W"),
                                                  ("Merlin", "7W")))
                for k in range(1, 7)]
        if kind == "markdown":
            return ("## Stand-in conversion %s\n\nThis page was read by the stand-in document model from %s\n\n"
                    "- Each row below is a propellant charge.\n\nTable 9-9. Stand-in charges\n\n"
                    "| Charge | Zone | Setting |\n|---|---|---|\n" % (tag, img[0].lower() + img[1:]) +
                    "".join("| %s | %s | %s |\n" % r for r in rows))
        return ("<doctag><page_header><loc_40><loc_12><loc_200><loc_20>Stand-in header</page_header>"
                "<section_header_level_1><loc_40><loc_40><loc_460><loc_52>Stand-in conversion %s"
                "</section_header_level_1><text><loc_40><loc_60><loc_460><loc_90>This page was read by the stand-in "
                "document model from %s</text><unordered_list><list_item><loc_50><loc_95><loc_460><loc_105>Each row "
                "below is a propellant charge.</list_item></unordered_list>"
                "<otsl><loc_40><loc_120><loc_460><loc_200><ched>Charge<ched>Zone<ched>Setting<nl>" % (
                    tag, img[0].lower() + img[1:]) +
                "".join("<fcel>%s<fcel>%s<fcel>%s<nl>" % r for r in rows) +
                "<caption><loc_40><loc_205><loc_460><loc_212>Table 9-9. Stand-in charges</caption></otsl></doctag>")

    def answer_text(self, c, req, openai=False):
        msgs = req.get("messages", [])
        conv = self.conversion(c, req, openai)
        if conv is not None:
            return conv
        img = self.image_answer(msgs)
        if img:
            return img
        if msgs and "You judge how well passages" in msgs[0].get("content", ""):  # reranking by the chat model
            if c.get("rerank_garbage"):
                return "Passage 2 looks best to me."
            user = msgs[-1]["content"]
            query = user.split("\n", 1)[0].replace("Question: ", "", 1)
            docs = re.findall(r'<passage n="\d+">\n(.*?)\n</passage>', user, re.S)
            return dumps({"scores": [min(10, self.relevance(c, query, d)) for d in docs]})
        if msgs and "follow-up question" in msgs[0].get("content", ""):  # a question to rewrite
            asked = msgs[-1]["content"].rsplit("Follow-up question: ", 1)[-1].strip()
            return c.get("rewrite", {}).get(asked, asked)
        if "answer" in c:
            return c["answer"]
        sources = sum(m.get("content", "").count("<source n=") for m in req.get("messages", []))
        return "Fires are cleared by the commander [1]. This claim cites a source that was not given [%d]." % (
            sources + 5)

    def tokens(self, text):
        parts = text.split(" ")
        return [w + (" " if i < len(parts) - 1 else "") for i, w in enumerate(parts)]

    def ollama(self, method, p, raw, c):
        now = "2024-11-30T12:00:00.000000000Z"
        if p == "/api/version":
            return self.send_json({"version": c.get("version", "0.5.7")})
        if p == "/api/tags":
            return self.send_json({"models": [{"name": m, "model": m, "modified_at": "2024-11-30T12:00:00Z",
                                              "size": 4683087332, "digest": hashlib.sha256(m.encode()).hexdigest(),
                                              "details": {"format": "gguf", "family": "qwen2"}}
                                             for m in c.get("models", [])]})
        if p == "/api/ps":  # the control file's "loaded" names, as Ollama lists models in memory
            return self.send_json({"models": [{"name": m, "model": m, "size": 5137025024, "size_vram": 5137025024,
                                               "digest": hashlib.sha256(m.encode()).hexdigest(),
                                               "details": {"format": "gguf", "family": "qwen2"},
                                               "expires_at": "2024-11-30T12:05:00.000000000Z"}
                                              for m in c.get("loaded", [])]})
        if method != "POST" or p not in ("/api/chat", "/api/embed"):
            return self.send_body(404, "text/plain", b"404 page not found")
        try:
            req = json.loads(raw)
        except ValueError:
            return self.ollama_error(400, "invalid character looking for beginning of value")
        model = req.get("model", "")
        if p == "/api/chat" and not isinstance(req.get("messages"), list):
            return self.ollama_error(400, "messages must be a list")
        if model not in c.get("models", []) and model + ":latest" not in c.get("models", []):
            return self.ollama_error(404, 'model "%s" not found, try pulling it first' % model)
        st = self.failing(c)
        if st:
            return self.error_for(False, st)
        if p == "/api/embed":
            inp = req.get("input", [])
            inp = [inp] if isinstance(inp, str) else inp
            return self.send_json({"model": model, "embeddings": [vector(t, c.get("dim", 8)) for t in inp],
                                   "total_duration": 14143917, "load_duration": 1019500,
                                   "prompt_eval_count": sum(len(t.split()) for t in inp)})
        text = self.answer_text(c, req)
        if c.get("drop_whole") and not req.get("stream", True):
            self.close_connection = True
            return
        final = {"model": model, "created_at": now, "message": {"role": "assistant", "content": ""},
                 "done_reason": "stop", "done": True, "total_duration": 4883583458, "load_duration": 1334875,
                 "prompt_eval_count": 26, "prompt_eval_duration": 342546000, "eval_count": 282,
                 "eval_duration": 4535599000}
        if not req.get("stream", True):
            if c.get("malformed"):
                return self.send_body(200, "application/json; charset=utf-8", b'{"model":"x","message":{')
            final["message"]["content"] = text
            return self.send_json(final)
        self.start_chunked("application/x-ndjson")
        for i, tok in enumerate(self.tokens(text)):
            if c.get("drop") and i == 2:
                self.close_connection = True
                return
            if c.get("malformed") and i == 1:
                self.chunk(b'{"model":"x","message":{"content":\n')
                continue
            self.chunk((dumps({"model": model, "created_at": now,
                               "message": {"role": "assistant", "content": tok}, "done": False}) + "\n").encode())
            if c.get("token_ms"):
                time.sleep(c["token_ms"] / 1000)
        self.chunk((dumps(final) + "\n").encode())
        self.chunk(b"")

    def openai(self, method, p, raw, c):
        if p == "/v1/models":
            return self.send_json({"object": "list", "data": [{"id": m, "object": "model", "created": 1732968000,
                                                               "owned_by": "llamacpp"} for m in c.get("models", [])]})
        if method == "POST" and p == "/v1/rerank" and c.get("rerank", True):  # llama-server --reranking, Jina
            fail = self.failing(c)
            if fail:
                return self.error_for(True, fail)
            req = json.loads(raw)
            docs = req.get("documents", [])
            res = [{"index": i, "relevance_score": float(self.relevance(c, req.get("query", ""), d))}
                   for i, d in enumerate(docs)]
            res.sort(key=lambda r: -r["relevance_score"])
            return self.send_json({"model": req.get("model"), "object": "list",
                                   "usage": {"prompt_tokens": 10 * len(docs), "total_tokens": 10 * len(docs)},
                                   "results": res[:req.get("top_n", len(res))]})
        if method != "POST" or p not in ("/v1/chat/completions", "/v1/embeddings"):
            return self.openai_error(404, "Unknown request URL: %s %s" % (method, p), "invalid_request_error",
                                     "unknown_url")
        try:
            req = json.loads(raw)
        except ValueError:
            return self.openai_error(400, "We could not parse the JSON body of your request.",
                                     "invalid_request_error", None)
        model = req.get("model", "")
        if model not in c.get("models", []):
            return self.openai_error(404, "The model `%s` does not exist or you do not have access to it." % model,
                                     "invalid_request_error", "model_not_found")
        st = self.failing(c)
        if st:
            return self.error_for(True, st)
        if p == "/v1/embeddings":
            inp = req.get("input", [])
            inp = [inp] if isinstance(inp, str) else inp
            n = sum(len(t.split()) for t in inp)
            return self.send_json({"object": "list", "data": [{"object": "embedding", "index": i,
                                                               "embedding": vector(t, c.get("dim", 8))}
                                                              for i, t in enumerate(inp)],
                                   "model": model, "usage": {"prompt_tokens": n, "total_tokens": n}})
        text = self.answer_text(c, req, True)
        if c.get("drop_whole") and not req.get("stream", False):
            self.close_connection = True
            return
        base = {"id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "created": 1732968000, "model": model,
                "system_fingerprint": "fp_44709d6fcb"}
        if not req.get("stream", False):
            if c.get("malformed"):
                return self.send_body(200, "application/json", b'{"id":"chatcmpl-1","choices":[')
            return self.send_json(dict(base, object="chat.completion", choices=[
                {"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                 "logprobs": None, "finish_reason": "stop"}],
                usage={"prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29}))

        def event(delta, finish=None):
            obj = dict(base, object="chat.completion.chunk",
                       choices=[{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}])
            self.chunk(("data: " + dumps(obj) + "\n\n").encode())

        self.start_chunked("text/event-stream; charset=utf-8")
        event({"role": "assistant", "content": "", "refusal": None})
        for i, tok in enumerate(self.tokens(text)):
            if c.get("drop") and i == 2:
                self.close_connection = True
                return
            if c.get("malformed") and i == 1:
                self.chunk(b"data: {\"choices\":[{\"delta\":\n\n")
                continue
            event({"content": tok})
            if c.get("token_ms"):
                time.sleep(c["token_ms"] / 1000)
        event({}, "stop")
        self.chunk(b"data: [DONE]\n\n")
        self.chunk(b"")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a client that hung up early is not news


def main():
    portfile, control = sys.argv[1], sys.argv[2]
    srv = Server(("127.0.0.1", 0), Handler)
    srv.control, srv.failed, srv.lock = control, 0, threading.Lock()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()

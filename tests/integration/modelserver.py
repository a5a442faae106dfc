#!/usr/bin/env python3
"""modelserver.py - stand-in model servers for the doctor's tests (no model weights can exist here).

Speaks the real protocols: Ollama's /api/version, /api/tags (sent chunked, as Go's net/http does for
streamed bodies), /api/ps; and an OpenAI-compatible /v1/models that wants "Authorization: Bearer KEY" when
a key is given. A 'garbage' server answers 200 with a body that is not JSON; a 'hang' server accepts
connections and never answers.

usage: modelserver.py PORTFILE ollama STATEFILE | openai KEY | garbage | hang
STATEFILE is JSON {"version": "...", "models": [...], "loaded": [...]} re-read on every request.
"""
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, obj, status=200, chunked=False):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 7):
                part = body[i:i + 7]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self):
        mode = self.server.mode
        if mode == "ollama":
            with open(self.server.arg) as f:
                st = json.load(f)
            if self.path == "/api/version":
                return self.send_json({"version": st.get("version", "0.5.7")})
            if self.path == "/api/tags":
                return self.send_json({"models": [{"name": m["name"], "model": m["name"], "size": m["size"]}
                                                  for m in st.get("models", [])]}, chunked=True)
            if self.path == "/api/ps":
                return self.send_json({"models": st.get("loaded", [])})
        elif mode == "garbage":
            body = b"{not json"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        elif mode == "openai" and self.path == "/v1/models":
            key = self.server.arg
            if key and self.headers.get("Authorization") != "Bearer " + key:
                return self.send_json({"error": {"message": "invalid api key"}}, status=401)
            return self.send_json({"object": "list", "data": [{"id": "qwen2.5-7b-instruct", "object": "model"}]})
        self.send_json({"error": "not found"}, status=404)


def hang(sock):
    held = []
    while True:
        conn, _ = sock.accept()
        held.append(conn)  # read nothing, answer nothing


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    if mode == "hang":
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        port = sock.getsockname()[1]
        with open(portfile, "w") as f:
            f.write(str(port))
        hang(sock)
        return
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.mode, srv.arg = mode, arg
    with open(portfile, "w") as f:
        f.write(str(srv.server_address[1]))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Byte pumps for the client benchmark (Benchmarks/client/README.md).

Modes (one process each):
  fake-vma    --port P                     a VMA that answers x_start "starting" and x_state "listening"
  nx-server   --port P --mode source|sink  stands for nxagent: sends or swallows --bytes on one connection
  tls-server  --port P --cert C --key K --mode source|sink
                                           the same over TLS (the direct baseline's server end)
  tls-client  --port P --mode receive|send the direct baseline's client end
  fake-nxproxy <nxproxy argv...>           stands for nxproxy -S: connects to 127.0.0.1:4000+offset
                                           (its last argument is localhost:<offset>); mode, bytes and
                                           result file come from PUMP_MODE, PUMP_BYTES, PUMP_RESULT

The receiving end of a stream times it (first byte to last) and writes
{"bytes": N, "seconds": S} to --result (or PUMP_RESULT).
"""
import http.server
import json
import os
import socket
import socketserver
import ssl
import sys
import time

CHUNK = 256 * 1024


def send_stream(sock, total):
    block = b"\x5a" * CHUNK
    view = memoryview(block)
    left = total
    while left > 0:
        n = min(left, CHUNK)
        sock.sendall(view[:n])
        left -= n


def receive_stream(sock, total, result):
    buf = bytearray(CHUNK)
    got = 0
    first = None
    while got < total:
        n = sock.recv_into(buf)
        if n == 0:
            break
        if first is None:
            first = time.monotonic()
        got += n
    end = time.monotonic()
    with open(result, "w") as f:
        json.dump({"bytes": got, "seconds": (end - first) if first else 0.0}, f)


def arg(name, default=None):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    ready = arg("--ready")
    if ready:
        open(ready, "w").close()
    return s


def serve_one(server, wrap=None):
    conn, _ = server.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if wrap:
        conn = wrap(conn)
    mode, total, result = arg("--mode"), int(arg("--bytes")), arg("--result")
    if mode == "source":
        send_stream(conn, total)
        # Keep the connection until the peer has read everything and closes.
        conn.settimeout(120)
        try:
            while conn.recv(CHUNK):
                pass
        except OSError:
            pass
    else:
        receive_stream(conn, total, result)
    conn.close()


def fake_vma():
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            method = self.path.split("?")[0]
            body = {"/vma/ping": b"1\n\r\n", "/vma/x_start": b'"starting"\n\r\n',
                    "/vma/x_state": b'"listening"\n\r\n'}.get(method)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json-simplerpc")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server(("127.0.0.1", int(arg("--port"))), Handler).serve_forever()


def main():
    mode = sys.argv[1]
    if mode == "fake-vma":
        fake_vma()
    elif mode == "nx-server":
        server = listen(int(arg("--port")))
        while True:
            try:
                serve_one(server)
            except OSError as error:
                print("pump.py nx-server: %s" % error, file=sys.stderr)
    elif mode == "tls-server":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arg("--cert"), arg("--key"))
        server = listen(int(arg("--port")))
        while True:
            try:
                serve_one(server, lambda c: context.wrap_socket(c, server_side=True))
            except OSError as error:
                print("pump.py tls-server: %s" % error, file=sys.stderr)
    elif mode == "tls-client":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(("127.0.0.1", int(arg("--port"))))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = context.wrap_socket(raw)
        total = int(arg("--bytes"))
        if arg("--mode") == "receive":
            receive_stream(conn, total, arg("--result"))
        else:
            send_stream(conn, total)
            conn.recv(1)
        conn.close()
    elif mode == "fake-nxproxy":
        offset = int(sys.argv[-1].rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", 4000 + offset))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        total = int(os.environ["PUMP_BYTES"])
        if os.environ["PUMP_MODE"] == "receive":
            receive_stream(sock, total, os.environ["PUMP_RESULT"])
        else:
            send_stream(sock, total)
            # Wait for the far end to have it all: it closes when done.
            sock.settimeout(120)
            try:
                while sock.recv(CHUNK):
                    pass
            except OSError:
                pass
        sock.close()
    else:
        sys.exit("pump.py: unknown mode " + mode)


if __name__ == "__main__":
    main()

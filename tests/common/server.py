"""The app behind a real waitress, configured as an ini file's [server:main] says, reached
through webtest: a request too large for waitress fails here as it would in production."""

from __future__ import annotations

import configparser
import http.client
import threading
from contextlib import contextmanager
from pathlib import Path

import webtest
from waitress import create_server

ROOT = Path(__file__).resolve().parents[2]
HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive"}


def ini_sections(name: str) -> configparser.ConfigParser:
    """One of the repository's ini files (development.ini, production.ini), %(here)s resolved."""
    parser = configparser.ConfigParser(defaults={"here": str(ROOT)})
    parser.read(ROOT / name)
    return parser


def _forward(host: str, port: int):
    def proxy(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers["Content-Length"] = str(len(body))
        path = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        connection = http.client.HTTPConnection(host, port, timeout=600)
        try:
            connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        start_response(f"{response.status} {response.reason}",
                       [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP])
        return [data]

    return proxy


@contextmanager
def behind_waitress(testapp: webtest.TestApp, ini: str = "development.ini"):
    """A webtest client (sharing `testapp`'s cookies) of the same app served by waitress with
    the ini file's max_request_body_size."""
    limit = int(ini_sections(ini)["server:main"]["max_request_body_size"])
    server = create_server(testapp.app, host="127.0.0.1", port=0, threads=2, max_request_body_size=limit)
    thread = threading.Thread(target=server.run, name="waitress-upload-tests", daemon=True)
    thread.start()
    try:
        client = webtest.TestApp(_forward("127.0.0.1", server.effective_port))
        client.cookiejar = testapp.cookiejar
        yield client
    finally:
        server.close()
        thread.join(timeout=5)

"""Preview the site while you edit: build, serve, watch, rebuild what changed, reload the open tabs.

Pages are served from memory (nothing is written to _site/) with a small
live-reload script that only the preview adds.  When a file is broken the last
good pages stay up and the browser shows the error with its file:line.
Press Ctrl-C to stop.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from ..diagnostics import warning
from .common import add_site_argument, print_diagnostics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the site in the default web browser")
    parser.add_argument("--base-url", default=None, metavar="/PREFIX/", help="serve the site under this path (overrides site.yml base_url)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the formula cache")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only diagnostics and the address")


def run(args: argparse.Namespace) -> int:
    from ..serve.app import ALL_INTERFACES, PreviewApp, ServeError

    if args.host in ALL_INTERFACES:
        print_diagnostics([warning("--host", 0, 0, "serve", f"listening on all interfaces ({args.host or '*'}): anyone on your network can read this preview")])
    app = PreviewApp(args.site, host=args.host, port=args.port, base_url=args.base_url, use_cache=not args.no_cache, verbose=not args.quiet)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            app.start()
        except ServeError as exc:
            print_diagnostics(exc.diagnostics)
            return 1
        print(f"serving {app.root} at {app.url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(app.url)
        while not stop.wait(3600):
            pass
        print("stopping", file=sys.stderr, flush=True)
        app.stop()
        return 0
    finally:
        app.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

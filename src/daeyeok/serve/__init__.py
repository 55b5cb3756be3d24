"""``daeyeok serve``: an incremental preview server with live reload and an error overlay.

:mod:`.incremental` rebuilds only what an edit affects and keeps the last good
output when a file is broken; :mod:`.watcher` turns bursts of file events into
one rebuild; :mod:`.server` serves the in-memory snapshot over HTTP and tells
open tabs (server-sent events) when their page changed; :mod:`.live` holds the
browser script and the overlay.  Nothing here is used by ``daeyeok build``, so
the reload script can never end up in built output.
"""

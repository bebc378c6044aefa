"""Every file the app sends goes out through send_download: one Content-Disposition per
RFC 6266, with the name in RFC 5987 form (filename*=UTF-8''…) and an ASCII fallback.

A header built by hand with a Chinese name (`filename=2026-评审结果.xlsx`) is not latin-1:
gunicorn refuses the whole response (InvalidResponseHeader, a 500) and the development server
drops the connection. Flask's send_file(download_name=…) writes both forms correctly.
"""

import io
import re

from flask import send_file

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\"]+')


def download_name(name):
    """A file name safe in a header: no control characters, quotes or path separators."""
    cleaned = _UNSAFE.sub("_", str(name)).strip(" .")
    return cleaned or "download"


def send_download(body, *, filename, mimetype, inline=False):
    """A response sending body (bytes, a path or a binary file) as filename."""
    if isinstance(body, bytes | bytearray):
        body = io.BytesIO(body)
    return send_file(
        body,
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=download_name(filename),
        max_age=0,
    )

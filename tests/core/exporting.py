"""Exports as a browser asks for them (core.exports): the list's button posts, the job runs (as the worker
would once the request's transaction commits), and the file is downloaded from the job's page."""

from urllib.parse import urlencode

from riskgate.core import exports


def exported(client, kind: str, fmt: str = "csv", query: dict | None = None) -> bytes:
    response = client.post("/exports/new/", {"kind": kind, "format": fmt, "query": urlencode(query or {})})
    assert response.status_code == 302 and response["Location"].startswith("/exports/"), response
    pk = int(response["Location"].strip("/").split("/")[-1])
    assert exports.run(pk) == "done"
    download = client.get(f"/exports/{pk}/download/")
    assert download.status_code == 200, download
    return b"".join(download.streaming_content)

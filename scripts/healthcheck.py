"""The web container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): GET /healthz on this
container's gunicorn the way the proxy sends a request, with a name of DJANGO_ALLOWED_HOSTS as Host and
`X-Forwarded-Proto: https`, so that production's host check and HTTPS redirect pass as for a phone.
Exit status 0 when the answer is 200 (the process and its database work), 1 otherwise."""

import http.client
import os
import sys


def allowed_host() -> str:
    for name in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        name = name.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        connection.request("GET", "/healthz", headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read(200)
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status != 200:
        print(f"healthcheck: {response.status} {body!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the scripts that drive the installed kernel with jupyter_client
share: running a cell as a frontend does, reading its outputs, and
reporting checks as "ok <check>" lines (exiting non-zero on a failure)."""

import sys

TIMEOUT = 60


def run(kc, code, timeout=TIMEOUT, **kw):
    """Executes code; returns (reply content, outputs by msg type)."""
    msg_id = kc.execute(code, **kw)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], outputs


def result(outputs):
    for m in outputs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"]["text/plain"]
    return None


def stdout(outputs):
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def check(cond, what, detail=""):
    if not cond:
        print("FAIL", what, detail)
        sys.exit(1)
    print("ok", what)

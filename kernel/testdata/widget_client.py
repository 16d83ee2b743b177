"""Drives the installed gosparkling kernel with jupyter_client as three
frontends would, and checks how each sees a job's progress: without a
widget manager (nbconvert, a console) as displays updated in place; as a
frontend of ipywidgets 7 or 8 (which asks comm_info for jupyter.widget)
as an HTML widget in protocol 2; as the classic Notebook with ipywidgets 6
(which opens the jupyter.widget.version comm) as one in protocol 1. Prints
one "ok <check>" line per check and exits non-zero on a failure."""

from jupyter_client.manager import start_new_kernel

from kernel_client import TIMEOUT, check, result, run

# A job that runs long enough (2.5 s) for its progress to be shown and
# updated at least once.
SLOW_JOB = ('sc.Parallelize([]int{1, 2}, 2).'
            'Map(func(x int) int { time.Sleep(2500 * time.Millisecond); return x }).Count()')
VIEW = "application/vnd.jupyter.widget-view+json"


def of_type(outputs, *types):
    return [m for m in outputs if m["msg_type"] in types]


def iopub_until(kc, msg_type, parent):
    """The first IOPub message of msg_type whose parent is parent."""
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["msg_type"] == msg_type and msg["parent_header"].get("msg_id") == parent:
            return msg


def send_shell(kc, msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def updates(comm_msgs, comm_id):
    return [m["content"]["data"]["state"]["value"] for m in comm_msgs
            if m["content"]["comm_id"] == comm_id and m["content"]["data"].get("method") == "update"]


km, kc = start_new_kernel(kernel_name="gosparkling", startup_timeout=TIMEOUT)
try:
    # No widget manager: the progress is a display updated in place.
    content, outputs = run(kc, SLOW_JOB)
    check(result(outputs) == "2", "the job runs", content)
    check(not of_type(outputs, "comm_open", "comm_msg", "comm_close"),
          "without a widget manager no comm is opened", [m["msg_type"] for m in outputs])
    shown = of_type(outputs, "display_data")
    updated = of_type(outputs, "update_display_data")
    check(len(shown) == 1 and "text/html" in shown[0]["content"]["data"] and updated,
          "without a widget manager the progress is a display updated in place", [m["msg_type"] for m in outputs])

    # ipywidgets 7 or 8: the frontend asks which jupyter.widget comms are open.
    reply = kc.comm_info(target_name="jupyter.widget", reply=True, timeout=TIMEOUT)
    check(reply["content"] == {"status": "ok", "comms": {}}, "comm_info_reply lists no comm", reply["content"])
    content, outputs = run(kc, SLOW_JOB)
    check(result(outputs) == "2", "the job runs with widgets", content)
    opens = of_type(outputs, "comm_open")
    check([m["content"]["data"]["state"]["_model_name"] for m in opens] == ["LayoutModel", "DescriptionStyleModel", "HTMLModel"]
          and all(m["content"]["target_name"] == "jupyter.widget" and m["metadata"].get("version") == "2.0.0" for m in opens),
          "the widget's models are opened in protocol 2.0.0", [(m["content"], m["metadata"]) for m in opens])
    html_id = opens[-1]["content"]["comm_id"]
    views = [m for m in of_type(outputs, "display_data") if VIEW in m["content"]["data"]]
    check(len(views) == 1 and views[0]["content"]["data"][VIEW]["model_id"] == html_id
          and views[0]["content"]["data"][VIEW]["version_major"] == 2,
          "the widget's view is displayed", views)
    values = updates(of_type(outputs, "comm_msg"), html_id)
    check(values and "running" in values[0], "the widget's value is updated while the job runs", values)
    final = of_type(outputs, "update_display_data")
    check(len(final) == 1 and "done in" in final[0]["content"]["data"]["text/html"]
          and VIEW not in final[0]["content"]["data"]
          and final[0]["content"]["transient"] == views[0]["content"]["transient"],
          "the widget's display ends as a plain display of the finished job", final)
    closed = [m["content"]["comm_id"] for m in of_type(outputs, "comm_close")]
    check(sorted(closed) == sorted(m["content"]["comm_id"] for m in opens), "the widget's models are closed", closed)
    order = [m["msg_type"] for m in outputs if m["msg_type"] != "stream"]
    check(order.index("update_display_data") < order.index("comm_close") < order.index("execute_result"),
          "the display is replaced before the models close, and both before the result", order)
    reply = kc.comm_info(target_name="jupyter.widget", reply=True, timeout=TIMEOUT)
    check(reply["content"]["comms"] == {}, "no comm stays open after the cell", reply["content"])

    # The classic Notebook with ipywidgets 6 checks the kernel's version first.
    opened = send_shell(kc, "comm_open", {"comm_id": "version-1", "target_name": "jupyter.widget.version", "data": {}})
    msg = iopub_until(kc, "comm_msg", opened)
    check(msg["content"] == {"comm_id": "version-1", "data": {"version": "~2.1.4"}},
          "the version comm gets the frontend version the widgets need", msg["content"])
    send_shell(kc, "comm_msg", {"comm_id": "version-1", "data": {"validated": True, "frontend_version": "2.1.4"}})
    content, outputs = run(kc, SLOW_JOB)
    check(result(outputs) == "2", "the job runs with ipywidgets 6", content)
    opens = of_type(outputs, "comm_open")
    check(len(opens) == 1 and opens[0]["content"]["data"]["_model_module"] == "jupyter-js-widgets"
          and opens[0]["content"]["data"]["_model_name"] == "HTMLModel",
          "the widget's model is opened in protocol 1", [m["content"] for m in opens])
    html_id = opens[0]["content"]["comm_id"]
    msgs = of_type(outputs, "comm_msg")
    check(msgs[0]["content"]["data"] == {"method": "display"}, "the view is shown by a display message", msgs[0]["content"])
    check(updates(msgs, html_id), "the widget's value is updated while the job runs", msgs)
    order = [m["msg_type"] for m in outputs if m["msg_type"] != "stream"]
    check(order.index("comm_close") < order.index("display_data") and "update_display_data" not in order,
          "the closed widget leaves a plain display of the finished job", order)
    final = of_type(outputs, "display_data")[-1]["content"]["data"]
    check("done in" in final["text/html"] and VIEW not in final, "the last display shows the finished job", final)

    content, outputs = run(kc, "6 * 7")
    check(result(outputs) == "42", "the next cell runs", outputs)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

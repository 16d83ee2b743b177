"""Runs a cell with a slow job in the live classic Notebook, with Debian's
ipywidgets 6 extension, in headless Chromium driven over the DevTools
protocol, and checks what the user sees: while the job runs its progress
is a widget whose text changes in place with no new output; when it ends
the widget gives way to a display of the finished job. Environment:
CHROMIUM, the browser; SCREENSHOTS, a directory to save
live-widget-running.png and live-widget-done.png in (optional). Prints one
"ok <check>" line per check and exits non-zero on a failure."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from tornado.websocket import websocket_connect

from kernel_client import check

SLOW_JOB = ('sc.Parallelize([]int{1, 2, 3, 4}, 2).'
            'Map(func(x int) int { time.Sleep(2 * time.Second); return x }).Count()')
TIMEOUT = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url):
    deadline = time.time() + TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


class Page:
    """A Chromium page driven over the DevTools protocol."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method, **params):
        self.next_id += 1
        await self.ws.write_message(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(await self.ws.read_message())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]

    async def eval(self, expr):
        r = await self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    async def wait(self, expr, what, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            value = await self.eval(expr)
            if value:
                return value
            if time.time() > deadline:
                check(False, what, "timed out")
            await asyncio.sleep(0.1)

    async def screenshot(self, name):
        shots = os.environ.get("SCREENSHOTS")
        if not shots:
            return
        import base64
        r = await self.call("Page.captureScreenshot", format="png")
        with open(os.path.join(shots, name), "wb") as f:
            f.write(base64.b64decode(r["data"]))


# What the page shows of the notebook's first cell.
STATE = """(function(){
  var cell = Jupyter.notebook.get_cell(0);
  var views = cell.element[0].querySelectorAll('.widget-area .widget-html');
  return {
    widgets: views.length,
    text: views.length ? views[0].innerText : '',
    outputs: cell.output_area.outputs.map(function(o){ return o.output_type; }),
    html: cell.output_area.outputs.map(function(o){ return (o.data || {})['text/html'] || ''; }).join(''),
    done: cell.input_prompt_number !== '*' && cell.input_prompt_number !== undefined && cell.input_prompt_number !== null
  };
})()"""


async def drive(port, debug_port):
    targets = json.loads(wait_http(f"http://127.0.0.1:{debug_port}/json"))
    page_target = next(t for t in targets if t["type"] == "page")
    page = Page(await websocket_connect(page_target["webSocketDebuggerUrl"], max_message_size=64 << 20))
    await page.call("Page.enable")
    await page.call("Emulation.setDeviceMetricsOverride", width=1100, height=700, deviceScaleFactor=1, mobile=False)
    await page.call("Page.navigate", url=f"http://127.0.0.1:{port}/notebooks/widgets.ipynb")
    await page.wait("typeof Jupyter !== 'undefined' && Jupyter.notebook && Jupyter.notebook.kernel"
                    " && Jupyter.notebook.kernel.is_connected() && !!Jupyter.notebook.kernel.widget_manager",
                    "the notebook connects to the kernel with a widget manager")
    print("ok the notebook connects to the kernel with a widget manager")
    # Let the widget manager's version check reach the kernel.
    await asyncio.sleep(1)
    await page.eval("Jupyter.notebook.execute_all_cells(), true")

    texts, running = [], None
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        s = await page.eval(STATE)
        if s["widgets"] and s["text"] not in texts:
            texts.append(s["text"])
            if running is None and "running" in s["text"]:
                running = s
                await page.screenshot("live-widget-running.png")
        if s["done"]:
            break
        await asyncio.sleep(0.15)
    check(running is not None, "the running job's progress shows as a widget", texts)
    check(running["outputs"] == [], "the widget is not an output of the cell", running)
    check(len(texts) >= 2, "the widget's text changes in place while the job runs", texts)
    await asyncio.sleep(0.5)
    s = await page.eval(STATE)
    check(s["widgets"] == 0, "the widget is gone when the cell has ended", s)
    check("done in" in s["html"] and "2/2 tasks" in s["html"], "a display of the finished job takes its place", s)
    check(s["outputs"][-1] == "execute_result", "the cell's result follows", s["outputs"])
    await page.screenshot("live-widget-done.png")


def main():
    workdir = tempfile.mkdtemp(prefix="live-notebook-")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": SLOW_JOB}],
          "metadata": {"kernelspec": {"name": "gosparkling", "display_name": "Go (gosparkling)", "language": "go"}},
          "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(workdir, "widgets.ipynb"), "w") as f:
        json.dump(nb, f)
    port, debug_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "notebook", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--allow-root",
         "--NotebookApp.token=", "--NotebookApp.password=", f"--notebook-dir={workdir}"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "server.log"), "w"))
    browser = None
    try:
        wait_http(f"http://127.0.0.1:{port}/api")
        browser = subprocess.Popen(
            [os.environ["CHROMIUM"], "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--remote-debugging-port={debug_port}", f"--user-data-dir={os.path.join(workdir, 'chromium')}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        asyncio.run(asyncio.wait_for(drive(port, debug_port), TIMEOUT * 2))
    except BaseException:
        print("the notebook server's log:")
        with open(os.path.join(workdir, "server.log")) as f:
            print(f.read()[-4000:])
        raise
    finally:
        if browser:
            browser.kill()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


main()

"""Drives the installed gosparkling kernel with jupyter_client, as a
frontend does, and checks what the Go tests of the kernel package cannot
with their fake executor: a real SIGINT, a panic on an rdd worker, input
from the frontend, lineage names across silent requests, and a restart.
Prints one "ok <check>" line per check and exits non-zero on a failure."""

import signal
import time

from jupyter_client.manager import start_new_kernel

from kernel_client import TIMEOUT, check, result, run, stdout

km, kc = start_new_kernel(kernel_name="gosparkling", startup_timeout=TIMEOUT)
try:
    # SIGINT, as a terminal or `kill -INT` sends it, stops a running job.
    msg_id = kc.execute("sc.Range(0, 1<<40, 1, 2).Map(func(x int64) int64 { return x + 1 }).Count()")
    time.sleep(1.5)
    km.signal_kernel(signal.SIGINT)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    check(reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted",
          "SIGINT interrupts the running job", reply["content"])
    check(km.is_alive(), "the kernel lives after SIGINT")
    content, outputs = run(kc, "6 * 7")
    check(result(outputs) == "42", "the next cell runs after SIGINT", outputs)

    # A panic in a user function on an rdd worker is the cell's error.
    content, _ = run(kc, 'sc.Parallelize([]int{1, 2, 3}, 3).Map(func(x int) int { if x == 2 { panic("boom") }; return x }).Collect()')
    check(content["status"] == "error" and "boom" in content["evalue"], "a worker panic is the cell's error", content)

    # Input requested by a cell reaches the frontend and comes back.
    msg_id = kc.execute('import "bufio"\nline, _ := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\nfmt.Println("got", line)', allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    check(req["msg_type"] == "input_request", "a cell reading os.Stdin sends input_request", req)
    kc.input("forty-two")
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    check("got forty-two" in stdout(outputs), "the input reaches the cell", outputs)

    # Lineage names cells by their execution count, silent requests aside.
    run(kc, "1", silent=True)
    run(kc, "2", store_history=False)
    content, outputs = run(kc, 'words := sc.Parallelize([]string{"a"})\nwords.ToDebugString()')
    count = content["execution_count"]
    check("In [%d]" % count in result(outputs), "lineage names the cell In [%d]" % count, result(outputs))

    # Restart: a new kernel process, state gone, cells run.
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=TIMEOUT)
    content, _ = run(kc, "words.Count()")
    check(content["status"] == "error", "a restarted kernel has forgotten the cells", content)
    content, outputs = run(kc, "sc.Range(0, 10).Sum()")
    check(result(outputs) == "45", "the restarted kernel runs cells", outputs)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

"""Drives the installed gosparkling kernel with jupyter_client through
cells that crash Go's runtime, exhaust memory or misuse the engine, and
checks after each that the cell failed with a clear error, that the kernel
lives (heartbeat, kernel_info, completion) and that the next cell runs.
The environment sets GOSPARKLING_MEMORY_LIMIT. Prints one "ok <check>"
line per check and exits non-zero on a failure."""

import os
import time

from jupyter_client.manager import start_new_kernel

import kernel_client
from kernel_client import check, result

TIMEOUT = 120


def run(kc, code):
    return kernel_client.run(kc, code, timeout=TIMEOUT)


def session_rss(kernel_pid):
    """The resident size in bytes of the kernel's session process."""
    with open(f"/proc/{kernel_pid}/task/{kernel_pid}/children") as f:
        children = f.read().split()
    total = 0
    for pid in children:
        with open(f"/proc/{pid}/statm") as f:
            total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


# Each cell must fail; the error's name and text must contain one of the
# given words (several: what prevents the crash, or the crash itself).
HOSTILE = [
    ("a Foreach writing a captured map",
     'counts := map[string]int{}\n'
     'words := sc.Parallelize(strings.Fields(strings.Repeat("a b c d e f g h ", 20000)), 8)\n'
     'words.Foreach(func(w string) { counts[w]++ })',
     ["counts", "concurrent map"]),
    ("goroutines of a cell writing one map",
     'm := map[int]int{}\nvar wg sync.WaitGroup\n'
     'for g := 0; g < 4; g++ {\n\twg.Add(1)\n\tgo func(g int) {\n\t\tdefer wg.Done()\n'
     '\t\tfor i := 0; i < 2000000; i++ { m[i%1000] = g }\n\t}(g)\n}\nwg.Wait()',
     ["concurrent map"]),
    ("unbounded recursion",
     'func rec(n int) int { return rec(n+1) + 1 }\nrec(0)',
     ["stack overflow", "StackOverflow", "recurs"]),
    ("a panic in a timer's callback",
     'time.AfterFunc(10*time.Millisecond, func() { panic("from a timer") })\ntime.Sleep(time.Second)',
     ["from a timer"]),
    ("a panic in context.AfterFunc's callback",
     'ctx, cancel := context.WithCancel(context.Background())\n'
     'context.AfterFunc(ctx, func() { panic("from AfterFunc") })\ncancel()\ntime.Sleep(time.Second)',
     ["from AfterFunc"]),
    ("signalling the kernel's process",
     'p, _ := os.FindProcess(os.Getppid())\np.Kill()',
     ["kernel's process"]),
    # Inside a func, so that a cell stopped with its state kept leaves no
    # 8 GiB variable behind for the next cells.
    ("memory beyond the session's limit",
     'func() int {\n\tb := make([]byte, 8<<30)\n\tfor i := 0; i < len(b); i += 4096 { b[i] = 1 }\n\treturn len(b)\n}()',
     ["MemoryLimitExceeded", "memory"]),
    # Under the default limits (1 GiB of results, 75% of the machine) the
    # result's bound comes first; this session's memory is smaller.
    ("collecting a huge RDD",
     'sc.SetMaxResultSize(256 << 20)\nsc.Range(0, 1<<31).Collect()',
     ["maxResultSize"]),
]

env = dict(os.environ)
km, kc = start_new_kernel(kernel_name="gosparkling", startup_timeout=60, env=env)
try:
    for what, code, words in HOSTILE:
        started = time.time()
        content, outputs = run(kc, code)
        text = content.get("ename", "") + ": " + content.get("evalue", "") + "\n" + "\n".join(content.get("traceback", []))
        check(content["status"] == "error" and any(w in text for w in words),
              f"{what}: the cell fails with a clear error ({content.get('ename')}, {time.time() - started:.1f}s)", text)
        check(km.is_alive() and kc.hb_channel.is_beating(), f"{what}: the kernel lives and beats")
        info = kc.kernel_info(reply=True, timeout=TIMEOUT)
        check(info["content"]["status"] == "ok", f"{what}: kernel_info answers")
        content, outputs = run(kc, "6 * 7")
        check(result(outputs) == "42", f"{what}: the next cell runs", outputs)

    # A cell stuck in compiled code: an interrupt, and the session that
    # cannot stop it is ended, so that the next cell runs.
    msg_id = kc.execute("time.Sleep(time.Hour)")
    time.sleep(1)
    started = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    check(reply["content"]["status"] == "error" and reply["content"]["ename"] == "SessionEnded",
          f"an interrupted cell stuck in compiled code ends its session ({time.time() - started:.1f}s)", reply["content"])
    content, outputs = run(kc, "6 * 7")
    check(result(outputs) == "42", "after it, the next cell runs", outputs)

    # What a cell writes to stderr arrives before its reply, every time.
    for i in range(30):
        content, outputs = run(kc, f'fmt.Fprintln(os.Stderr, "err {i}")')
        got = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        if got != f"err {i}\n":
            check(False, f"stderr of cell {i} arrives before its reply", outputs)
    check(True, "the stderr of 30 cells arrived before their replies")

    # Repeated cells do not grow the session.
    run(kc, "sc.Parallelize(make([]int, 1000000), 4).Count()")
    before = session_rss(km.provisioner.process.pid)
    for i in range(150):
        content, _ = run(kc, "sc.Parallelize(make([]int, 1000000), 4).Count()")
        if content["status"] != "ok":
            check(False, "repeated cells run", content)
    after = session_rss(km.provisioner.process.pid)
    growth = (after - before) / (1 << 20)
    check(growth < 300, f"150 repeated cells grow the session by {growth:.0f} MiB (< 300)")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

"""Jupyter's own kernel test suite (jupyter_kernel_test) run against the
gosparkling kernel. The Go end-to-end tests run it with the kernelspec
installed in a private Jupyter directory:

    python3 -m unittest test_jupyter_kernel
"""

import unittest

import jupyter_kernel_test


class GosparklingKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gosparkling"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "strings.ToUpp", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "sc.TextF", "matches": {"TextFile"}},
        {"text": "rdd.K", "matches": {"KV"}},
    ]

    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() int { return 1 }", ""]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := 1 +"]
    invalid_code_samples = ["x := )", "x := 1 1", "}"]

    code_generate_error = 'panic("on purpose")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"go" + "pher"', "result": "gopher"},
        {"code": "sc.Parallelize([]int{1, 2, 3}).Count()", "result": "3"},
        {"code": 'sc.Parallelize([]string{"a", "b"}).Collect()', "mime": "text/html"},
    ]

    code_display_data = [
        {"code": 'display.Show(display.HTML("<b>bold</b>"))', "mime": "text/html"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "strings.Fields"


if __name__ == "__main__":
    unittest.main()

//go:build ignore

// Command server serves the three small pages from which wget/site.warc.gz was captured;
// see ../README.md. It prints its address (127.0.0.1 and a free port) on its first line.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html>
<html><head><title>gosparkling test site</title></head>
<body><h1>Hello, WARC</h1>
<p>See <a href="page2.html">page two</a> and <a href="chunked.txt">a chunked text</a>.</p>
</body></html>
`)
	})
	mux.HandleFunc("/page2.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Page two</title></head>\n<body><p>Second page, café ☕.</p></body></html>\n")
	})
	mux.HandleFunc("/chunked.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		f := w.(http.Flusher)
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(w, "chunk %d of 3\n", i)
			f.Flush()
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().String())
	os.Stdout.Sync()
	http.Serve(ln, mux)
}

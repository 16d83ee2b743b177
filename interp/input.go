package interp

import (
	"errors"
	"io"
	"sync"

	"github.com/gosparkling/gosparkling/cell"
)

// InputReader is implemented by Outputs that can ask the user for a line
// of input (see cell.InputReader).
type InputReader = cell.InputReader

// cellStdin is the interpreter's standard input: each read that finds no
// buffered text asks the running cell's Output for a line.
type cellStdin struct {
	mu  sync.Mutex
	out Output
	buf []byte
}

func (r *cellStdin) set(out Output) {
	r.mu.Lock()
	r.out, r.buf = out, nil
	r.mu.Unlock()
}

// Read returns buffered input, asking for a new line when there is none.
// Without a frontend that can answer, standard input is at its end.
func (r *cellStdin) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) == 0 {
		in, ok := r.out.(InputReader)
		if !ok {
			return 0, io.EOF
		}
		line, err := in.Input("", false)
		if err != nil {
			return 0, errors.Join(io.EOF, err)
		}
		r.buf = append([]byte(line), '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

//go:build beam

package beam

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	apache "github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/rdd"
)

// Results come back from the workers through files under a directory of
// the job, each written atomically, so that a file is whole or absent.
// When the last stage reads a source, its workers write each partition's
// files under names of the partition; a retried partition writes the same
// files again. Otherwise each bundle of the last stage writes files of its
// own and outputs their names, and a last step writes the names that
// successful bundles gave into the directory's manifest: the notebook
// reads the files the manifest names, and those of a failed attempt at a
// bundle are left out.

// manifestName is the name of the manifest in a job's directory.
const manifestName = "manifest"

// manifestFn writes the names of the files the bundles of the stage
// before wrote, as its side input has them, into Dir's manifest.
type manifestFn struct {
	Dir string
	inJob
}

func (f *manifestFn) ProcessElement(ctx context.Context, _ []byte, names func(*string) bool) error {
	return f.run(func() error { return f.write(ctx, names) })
}

func (f *manifestFn) write(ctx context.Context, names func(*string) bool) error {
	var list []string
	var name string
	for names(&name) {
		list = append(list, name)
	}
	slices.Sort(list)
	return writeFileAt(ctx, strings.TrimSuffix(f.Dir, "/")+"/"+manifestName, []byte(strings.Join(list, "\n")))
}

// commitFiles ends a pipeline whose col holds the names of the files its
// last stage wrote into dir with its manifest.
func (t *translator) commitFiles(s apache.Scope, dir string, names apache.PCollection) {
	apache.ParDo0(s, member(t, &manifestFn{Dir: dir}), apache.Impulse(s), apache.SideInput{Input: names})
}

// partName returns a new unique name of a result file in dir.
func partName(dir, suffix string) string {
	var b [12]byte
	rand.Read(b[:])
	return strings.TrimSuffix(dir, "/") + "/part-" + hex.EncodeToString(b[:]) + suffix
}

// writeFile writes data to a new file of dir, whole or not at all, and
// returns its path.
func writeFile(ctx context.Context, dir string, data []byte) (string, error) {
	path := partName(dir, "")
	return path, writeFileAt(ctx, path, data)
}

// writeFileAt writes data to the file path, whole or not at all.
func writeFileAt(ctx context.Context, path string, data []byte) error {
	w, err := fileio.Default().Create(ctx, path)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// resultFn writes the elements of each bundle (at most Limit of them when
// Limit >= 0), or with Count only their number, into files of Dir, and
// outputs their paths.
type resultFn struct {
	Dir   string
	Limit int64
	Count bool
	inJob

	buf []byte
	n   int64
}

// flushSize is how much a bundle's results may take in memory before
// they go to a file.
const flushSize = 16 << 20

func (f *resultFn) StartBundle(_ func(string)) {
	f.buf, f.n = f.buf[:0], 0
}

func (f *resultFn) ProcessElement(e Elem, wrote func(string)) error {
	return f.run(func() error { return f.add(e, wrote) })
}

func (f *resultFn) add(e Elem, wrote func(string)) error {
	if f.Count {
		f.n++
		return nil
	}
	if f.Limit >= 0 && f.n >= f.Limit {
		return nil
	}
	b, err := encode(e.V)
	if err != nil {
		return fmt.Errorf("an element of the result: %w", err)
	}
	f.buf = binary.AppendUvarint(f.buf, uint64(len(b)))
	f.buf = append(f.buf, b...)
	f.n++
	if len(f.buf) >= flushSize {
		return f.flush(context.Background(), f.buf, wrote)
	}
	return nil
}

func (f *resultFn) FinishBundle(ctx context.Context, wrote func(string)) error {
	return f.run(func() error { return f.finish(ctx, wrote) })
}

func (f *resultFn) finish(ctx context.Context, wrote func(string)) error {
	if f.Count {
		if f.n == 0 {
			return nil
		}
		return f.flush(ctx, binary.AppendUvarint(nil, uint64(f.n)), wrote)
	}
	if len(f.buf) == 0 {
		return nil
	}
	return f.flush(ctx, f.buf, wrote)
}

// flush writes data into a new file and outputs its path.
func (f *resultFn) flush(ctx context.Context, data []byte, wrote func(string)) error {
	path, err := writeFile(ctx, f.Dir, data)
	f.buf = f.buf[:0]
	if err == nil {
		wrote(path)
	}
	return err
}

// partitionResults writes the elements of partition p of r (at most
// Limit, or with Count their number) into files of Dir named
// part-<partition>-<chunk>, which sort in the partitions' order. A
// retried partition writes the same files again.
func (f *resultFn) partitionResults(ctx context.Context, r *rdd.RDD, p int) error {
	chunk := 0
	name := func() string {
		chunk++
		return fmt.Sprintf("%s/part-%010d-%06d", strings.TrimSuffix(f.Dir, "/"), p, chunk-1)
	}
	var buf []byte
	var n int64
	var failed error
	err := rdds.RunPartition(r, ctx, p, func(x any) bool {
		if f.Limit >= 0 && n >= f.Limit {
			return false
		}
		n++
		if f.Count {
			return true
		}
		b, err := encode(x)
		if err != nil {
			failed = fmt.Errorf("an element of the result: %w", err)
			return false
		}
		buf = binary.AppendUvarint(buf, uint64(len(b)))
		buf = append(buf, b...)
		if len(buf) >= flushSize {
			failed = writeFileAt(ctx, name(), buf)
			buf = buf[:0]
		}
		return failed == nil
	})
	switch {
	case err != nil:
		return err
	case failed != nil:
		return failed
	case f.Count && n > 0:
		return writeFileAt(ctx, name(), binary.AppendUvarint(nil, uint64(n)))
	case len(buf) > 0:
		return writeFileAt(ctx, name(), buf)
	}
	return nil
}

// resultFiles returns the result files of dir, sorted: those its
// manifest names when it has one, else those it holds.
func resultFiles(ctx context.Context, dir string) ([]fileio.FileInfo, error) {
	dir = strings.TrimSuffix(dir, "/")
	m := fileio.Default()
	rc, err := m.OpenRaw(ctx, dir+"/"+manifestName)
	if err == nil {
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return nil, fmt.Errorf("reading the manifest of %s: %w", dir, err)
		}
		var files []fileio.FileInfo
		for _, path := range strings.Split(string(data), "\n") {
			if path != "" {
				files = append(files, fileio.FileInfo{Path: path})
			}
		}
		return files, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the manifest of %s: %w", dir, err)
	}
	files, err := m.Expand(ctx, dir+"/part-*")
	if errors.Is(err, fileio.ErrNoMatch) {
		return nil, nil
	}
	return files, err
}

// readResults decodes the elements the result files of dir hold, at most
// limit when limit >= 0.
func readResults(ctx context.Context, dir string, limit int) ([]any, error) {
	files, err := resultFiles(ctx, dir)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, fi := range files {
		if limit >= 0 && len(out) >= limit {
			break
		}
		rc, err := fileio.Default().OpenRaw(ctx, fi.Path)
		if err != nil {
			return nil, err
		}
		br := bufio.NewReader(rc)
		for limit < 0 || len(out) < limit {
			n, err := binary.ReadUvarint(br)
			if err == io.EOF {
				break
			}
			b := make([]byte, n)
			if err == nil {
				_, err = io.ReadFull(br, b)
			}
			var x any
			if err == nil {
				x, err = decode(b)
			}
			if err != nil {
				rc.Close()
				return nil, fmt.Errorf("reading result file %s: %w", fi.Path, err)
			}
			out = append(out, x)
		}
		rc.Close()
	}
	return out, nil
}

// readCount adds up the counts of the result files of dir.
func readCount(ctx context.Context, dir string) (int64, error) {
	files, err := resultFiles(ctx, dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, fi := range files {
		rc, err := fileio.Default().OpenRaw(ctx, fi.Path)
		if err != nil {
			return 0, err
		}
		n, err := binary.ReadUvarint(bufio.NewReader(rc))
		rc.Close()
		if err != nil {
			return 0, fmt.Errorf("reading count file %s: %w", fi.Path, err)
		}
		total += int64(n)
	}
	return total, nil
}

// removeDir deletes a job's directory of result files.
func removeDir(ctx context.Context, dir string) {
	if !strings.Contains(dir, "://") {
		os.RemoveAll(dir)
		return
	}
	fs, err := fileio.Default().For(dir)
	if err != nil {
		return
	}
	remover, ok := fs.(interface {
		Remove(ctx context.Context, path string) error
	})
	if !ok {
		return
	}
	files, _ := fileio.Default().Expand(ctx, strings.TrimSuffix(dir, "/")+"/part-*")
	for _, fi := range files {
		remover.Remove(ctx, fi.Path)
	}
	remover.Remove(ctx, strings.TrimSuffix(dir, "/")+"/"+manifestName)
}

// saveFn writes the elements of each bundle as text lines, as
// SaveAsTextFile does, into a file of Dir, and outputs its path.
type saveFn struct {
	Dir   string
	Codec string
	inJob

	w    fileio.FileWriter
	bw   *bufio.Writer
	path string
}

func (f *saveFn) StartBundle(_ func(string)) { f.w, f.bw, f.path = nil, nil, "" }

func (f *saveFn) ProcessElement(e Elem, _ func(string)) error {
	return f.run(func() error { return f.write(e) })
}

func (f *saveFn) write(e Elem) error {
	if f.w == nil {
		suffix, err := fileio.CodecSuffix(f.Codec)
		if err != nil {
			return err
		}
		f.path = partName(f.Dir, suffix)
		raw, err := fileio.Default().Create(context.Background(), f.path)
		if err != nil {
			return err
		}
		if f.w, err = fileio.NewEncoder(raw, f.Codec); err != nil {
			raw.Abort()
			return err
		}
		f.bw = bufio.NewWriterSize(f.w, 64<<10)
	}
	err := fileio.WriteLine(f.bw, e.V)
	if err != nil {
		f.w.Abort()
		f.w = nil
	}
	return err
}

// savePartition writes the elements of partition p of r as text lines
// into the file of Dir named by the partition, whole or not at all: the
// parts sort in the partitions' order, and a retried partition writes
// its file again.
func (f *saveFn) savePartition(ctx context.Context, r *rdd.RDD, p int) error {
	suffix, err := fileio.CodecSuffix(f.Codec)
	if err != nil {
		return err
	}
	raw, err := fileio.Default().Create(ctx, fmt.Sprintf("%s/part-%010d%s", strings.TrimSuffix(f.Dir, "/"), p, suffix))
	if err != nil {
		return err
	}
	w, err := fileio.NewEncoder(raw, f.Codec)
	if err != nil {
		raw.Abort()
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var failed error
	err = rdds.RunPartition(r, ctx, p, func(x any) bool {
		failed = fileio.WriteLine(bw, x)
		return failed == nil
	})
	if err == nil {
		err = failed
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

func (f *saveFn) FinishBundle(wrote func(string)) error {
	err := f.run(func() error { return f.finish(wrote) })
	if f.w != nil { // the job stopped: the part is not needed
		f.w.Abort()
		f.w = nil
	}
	return err
}

func (f *saveFn) finish(wrote func(string)) error {
	if f.w == nil {
		return nil
	}
	w := f.w
	f.w = nil
	if err := f.bw.Flush(); err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	wrote(f.path)
	return nil
}

// publish copies the part files of staged into a new output directory at
// path, named part-00000 and on as SaveAsTextFile names them, and
// commits it: readers see it whole or not at all.
func publish(ctx context.Context, staged, path, codec string) error {
	suffix, err := fileio.CodecSuffix(codec)
	if err != nil {
		return err
	}
	files, err := resultFiles(ctx, staged)
	if err != nil {
		return err
	}
	m := fileio.Default()
	dir, err := m.CreateDir(ctx, path)
	if err != nil {
		return err
	}
	for i, fi := range files {
		if err := copyPart(ctx, m, dir, fi.Path, fmt.Sprintf("part-%05d%s", i, suffix)); err != nil {
			dir.Abort(context.Background())
			return err
		}
	}
	return dir.Commit(ctx)
}

func copyPart(ctx context.Context, m fileio.FileSystems, dir fileio.OutputDir, from, name string) error {
	in, err := m.OpenRaw(ctx, from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := dir.Create(ctx, name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Abort()
		return err
	}
	return out.Close()
}

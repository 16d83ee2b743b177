package fileio

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// objectStore is an in-memory FileSystem with an object store's semantics (flat keys,
// directories only as prefixes, small listing pages), standing in for s3:// in tests of the
// generic code.
type objectStore struct {
	mu       sync.Mutex
	objects  map[string]string // full path -> content
	pageSize int
	listed   []string // prefixes of List requests, in order (recursive ones marked "**")
}

func newObjectStore(objects map[string]string) *objectStore {
	return &objectStore{objects: objects, pageSize: 2}
}

func (s *objectStore) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return s.OpenRange(ctx, path, 0, -1)
}

func (s *objectStore) OpenRange(_ context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	content, ok := s.objects[path]
	if !ok {
		return nil, &Error{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	content = content[min(int(offset), len(content)):]
	if length >= 0 {
		content = content[:min(int(length), len(content))]
	}
	return io.NopCloser(strings.NewReader(content)), nil
}

func (s *objectStore) Stat(_ context.Context, path string) (FileInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if content, ok := s.objects[path]; ok {
		return FileInfo{Path: path, Size: int64(len(content))}, nil
	}
	for key := range s.objects {
		if strings.HasPrefix(key, strings.TrimSuffix(path, "/")+"/") {
			return FileInfo{Path: path, IsDir: true}, nil
		}
	}
	return FileInfo{}, &Error{Op: "stat", Path: path, Err: fs.ErrNotExist}
}

// List pages through keys and common prefixes in key order, like S3's ListObjectsV2.
func (s *objectStore) List(_ context.Context, req ListRequest) (ListPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.PageToken == "" {
		mark := ""
		if req.Recursive {
			mark = " **"
		}
		s.listed = append(s.listed, req.Prefix+mark)
	}
	type entry struct {
		key   string
		isDir bool
	}
	var entries []entry
	seenDirs := map[string]bool{}
	for key := range s.objects {
		if !strings.HasPrefix(key, req.Prefix) {
			continue
		}
		if i := strings.IndexByte(key[len(req.Prefix):], '/'); i >= 0 && !req.Recursive {
			dir := key[:len(req.Prefix)+i]
			if !seenDirs[dir] {
				seenDirs[dir] = true
				entries = append(entries, entry{dir + "/", true})
			}
			continue
		}
		entries = append(entries, entry{key, false})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	first := 0
	if req.PageToken != "" {
		first, _ = strconv.Atoi(req.PageToken)
	}
	last := min(first+s.pageSize, len(entries))
	var page ListPage
	for _, e := range entries[first:last] {
		if e.isDir {
			page.Dirs = append(page.Dirs, strings.TrimSuffix(e.key, "/"))
		} else {
			page.Files = append(page.Files, FileInfo{Path: e.key, Size: int64(len(s.objects[e.key]))})
		}
	}
	if last < len(entries) {
		page.Next = strconv.Itoa(last)
	}
	return page, nil
}

func (s *objectStore) Create(_ context.Context, path string) (FileWriter, error) {
	return &objectWriter{store: s, path: path}, nil
}

type objectWriter struct {
	store *objectStore
	path  string
	buf   bytes.Buffer
}

func (w *objectWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *objectWriter) Close() error {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	w.store.objects[w.path] = w.buf.String()
	return nil
}

func (w *objectWriter) Abort() error { return nil }

func TestExpandOnObjectStore(t *testing.T) {
	objects := map[string]string{}
	for _, key := range []string{
		"crawl/CC-2023-50/segments/1/wet/a.wet.gz",
		"crawl/CC-2024-10/segments/1/wet/a.wet.gz",
		"crawl/CC-2024-10/segments/1/wet/b.wet.gz",
		"crawl/CC-2024-10/segments/1/warc/a.warc.gz",
		"crawl/CC-2024-10/segments/2/wet/c.wet.gz",
		"crawl/CC-2024-18/segments/1/wet/d.wet.gz",
		"crawl/CC-2024-18/segments/_temporary/wet/x.wet.gz",
		"crawl/CC-2024-18/segments/1/wet/_SUCCESS",
		"crawl/CC-2024-18/segments/_SUCCESS", // committed: its _temporary/ is leftover, skipped
		"crawl/index.txt",
		"other/z.txt",
	} {
		objects["mem://bucket/"+key] = key
	}
	tests := []struct {
		name   string
		paths  string
		want   []string
		listed []string // List prefixes asked for, in order
	}{
		{
			name:   "one object needs no listing",
			paths:  "mem://bucket/crawl/index.txt",
			want:   []string{"crawl/index.txt"},
			listed: nil,
		},
		{
			name:  "a directory lists its prefix recursively, page by page",
			paths: "mem://bucket/crawl/CC-2024-18",
			want:  []string{"crawl/CC-2024-18/segments/1/wet/d.wet.gz"},
			listed: []string{
				"mem://bucket/crawl/CC-2024-18/ **",
			},
		},
		{
			name:  "listing starts at the first wildcard's literal prefix and goes level by level",
			paths: "mem://bucket/crawl/CC-2024-*/segments/*/wet/*.wet.gz",
			want: []string{
				"crawl/CC-2024-10/segments/1/wet/a.wet.gz",
				"crawl/CC-2024-10/segments/1/wet/b.wet.gz",
				"crawl/CC-2024-10/segments/2/wet/c.wet.gz",
				"crawl/CC-2024-18/segments/1/wet/d.wet.gz",
			},
			listed: []string{
				"mem://bucket/crawl/CC-2024-",
				"mem://bucket/crawl/CC-2024-10/segments/",
				"mem://bucket/crawl/CC-2024-10/segments/1/wet/",
				"mem://bucket/crawl/CC-2024-10/segments/2/wet/",
				"mem://bucket/crawl/CC-2024-18/segments/",
				"mem://bucket/crawl/CC-2024-18/segments/1/wet/",
			},
		},
		{
			name:  "** lists recursively below the literal part",
			paths: "mem://bucket/crawl/**/a.*.gz",
			want: []string{
				"crawl/CC-2023-50/segments/1/wet/a.wet.gz",
				"crawl/CC-2024-10/segments/1/warc/a.warc.gz",
				"crawl/CC-2024-10/segments/1/wet/a.wet.gz",
			},
			listed: []string{"mem://bucket/crawl/ **"},
		},
		{
			name:  "comma list with braces over the store",
			paths: "mem://bucket/other/z.txt,mem://bucket/crawl/CC-{2023-50,2024-18}/segments/1/wet/?.wet.gz",
			want: []string{
				"other/z.txt",
				"crawl/CC-2023-50/segments/1/wet/a.wet.gz",
				"crawl/CC-2024-18/segments/1/wet/d.wet.gz",
			},
			listed: []string{
				"mem://bucket/crawl/CC-2023-50/segments/1/wet/",
				"mem://bucket/crawl/CC-2024-18/segments/1/wet/",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newObjectStore(objects)
			fss := Default()
			fss["mem"] = store
			files, err := fss.Expand(context.Background(), tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			got := paths(files)
			for i := range got {
				got[i] = strings.TrimPrefix(got[i], "mem://bucket/")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("files\n got %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(store.listed, tt.listed) {
				t.Errorf("listed prefixes\n got %q\nwant %q", store.listed, tt.listed)
			}
		})
	}
}

// webServer is a FileSystem that cannot list, like a plain HTTP server.
type webServer struct{ *objectStore }

func (webServer) List(context.Context, ListRequest) (ListPage, error) {
	return ListPage{}, ErrListingUnsupported
}

func TestExpandWithoutListingTakesPathsLiterally(t *testing.T) {
	store := newObjectStore(map[string]string{"web://host/data.txt?sig=a*b": "x"})
	fss := FileSystems{"web": webServer{store}}
	files, err := fss.Expand(context.Background(), "web://host/data.txt?sig=a*b")
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(files); !slices.Equal(got, []string{"web://host/data.txt?sig=a*b"}) {
		t.Errorf("got %q", got)
	}
	if _, err := fss.Expand(context.Background(), "web://host/*.txt"); err == nil || !strings.Contains(err.Error(), "web://host/*.txt") {
		t.Errorf("missing literal path: error %v, want one naming it", err)
	}
}

func TestOpenSplitOnObjectStore(t *testing.T) {
	content := "one\r\ntwo\rthree\nfour"
	fss := FileSystems{"mem": newObjectStore(map[string]string{"mem://b/f.txt": content})}
	var got []string
	for start := int64(0); start < int64(len(content)); start += 3 {
		lr, err := fss.OpenSplit(context.Background(), "mem://b/f.txt", start, min(start+3, int64(len(content))))
		if err != nil {
			t.Fatal(err)
		}
		for lr.Next() {
			got = append(got, lr.Text())
		}
		if err := lr.Err(); err != nil {
			t.Fatal(err)
		}
		lr.Close()
	}
	if want := []string{"one", "two", "three", "four"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

package rdd

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
)

// StorageLevel says where a persisted RDD keeps its computed partitions.
type StorageLevel int

const (
	// None is the level of an RDD that is not persisted.
	None StorageLevel = iota
	// MemoryOnly keeps partitions as Go values in memory (Cache's level).
	MemoryOnly
	// MemoryAndDisk keeps partitions in memory; a later version spills
	// them to disk beyond the Context's memory budget.
	MemoryAndDisk
	// DiskOnly writes partitions to the Context's spill directory with
	// encoding/gob and reads them back for each use. Element types must be
	// gob-encodable (exported fields); Stop removes the files.
	DiskOnly
)

// String names the level as Spark does.
func (l StorageLevel) String() string {
	switch l {
	case MemoryOnly:
		return "Memory Deserialized 1x Replicated"
	case MemoryAndDisk:
		return "Disk Memory Deserialized 1x Replicated"
	case DiskOnly:
		return "Disk Serialized 1x Replicated"
	}
	return "None"
}

// partitionCache holds the computed partitions of a persisted RDD.
type partitionCache struct {
	level StorageLevel
	mu    sync.Mutex
	mem   map[int][]any  // MemoryOnly, MemoryAndDisk
	files map[int]string // DiskOnly
}

// Cache persists the RDD in memory (MemoryOnly) and returns it: each
// partition is kept the first time an action computes it whole, and later
// actions, in later notebook cells too, read it from memory.
func (r *RDD) Cache() *RDD { return r.Persist(MemoryOnly) }

// Persist keeps the RDD's computed partitions at the given level
// (MemoryOnly by default) until Unpersist, and returns the RDD. Changing
// the level of a persisted RDD drops what it kept.
func (r *RDD) Persist(level ...StorageLevel) *RDD {
	l := MemoryOnly
	if len(level) > 0 {
		l = level[0]
	}
	if l < None || l > DiskOnly {
		panic(fmt.Sprintf("rdd.Persist: unknown storage level %d", int(l)))
	}
	r.partsMu.Lock()
	defer r.partsMu.Unlock()
	if r.cache != nil && r.cache.level == l {
		return r
	}
	if r.cache != nil {
		r.cache.drop()
	}
	r.cache = nil
	if l != None {
		r.cache = &partitionCache{level: l, mem: map[int][]any{}, files: map[int]string{}}
	}
	return r
}

// Unpersist drops the kept partitions and stops persisting; it returns the
// RDD.
func (r *RDD) Unpersist() *RDD { return r.Persist(None) }

// IsCached reports whether the RDD is persisted at any level.
func (r *RDD) IsCached() bool { return r.cacheIfPersisted() != nil }

// StorageLevel returns the level the RDD is persisted at, or None.
func (r *RDD) StorageLevel() StorageLevel {
	if c := r.cacheIfPersisted(); c != nil {
		return c.level
	}
	return None
}

func (r *RDD) cacheIfPersisted() *partitionCache {
	r.partsMu.Lock()
	defer r.partsMu.Unlock()
	return r.cache
}

// cachedPartitions counts the partitions kept so far.
func (c *partitionCache) cachedPartitions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mem) + len(c.files)
}

// complete reports whether every partition of r is kept.
func (c *partitionCache) complete(r *RDD) bool {
	n, err := r.numPartitions()
	return err == nil && c.cachedPartitions() == n
}

// iterate replays partition p from the cache, computing and keeping it
// first when it is missing. A partition is kept only when computed whole.
func (c *partitionCache) iterate(t *task, r *RDD, p int, emit func(any) bool) {
	elems, ok := c.load(r, p)
	if !ok {
		r.compute(t, p, func(x any) bool {
			elems = append(elems, x)
			return true
		})
		if t.stopped() {
			return // cancelled or failed elsewhere: the partition may be partial
		}
		c.store(r, p, elems)
	}
	for _, x := range elems {
		if !emit(x) {
			return
		}
	}
}

func (c *partitionCache) load(r *RDD, p int) ([]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if elems, ok := c.mem[p]; ok {
		return elems, true
	}
	path, ok := c.files[p]
	if !ok {
		return nil, false
	}
	elems, err := readSpill(path)
	if err != nil {
		failTaskf("rdd: reading cached partition %d of %s: %v", p, r, err)
	}
	return elems, true
}

func (c *partitionCache) store(r *RDD, p int, elems []any) {
	if c.level != DiskOnly {
		if elems == nil {
			elems = []any{}
		}
		c.mu.Lock()
		c.mem[p] = elems
		c.mu.Unlock()
		return
	}
	dir, err := r.sc.spillDirectory()
	if err != nil {
		failTask(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("rdd-%d-part-%05d.gob", r.id, p))
	if err := writeSpill(path, elems); err != nil {
		failTaskf("rdd: persisting partition %d of %s to disk: %v", p, r, err)
	}
	c.mu.Lock()
	c.files[p] = path
	c.mu.Unlock()
}

func (c *partitionCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, path := range c.files {
		os.Remove(path)
	}
	c.mem, c.files = map[int][]any{}, map[int]string{}
}

// spillDirectory returns the Context's directory for files on disk,
// making it on first use; Stop removes it.
func (c *Context) spillDirectory() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spillDir == "" {
		dir, err := os.MkdirTemp("", "gosparkling-spill-")
		if err != nil {
			return "", fmt.Errorf("rdd: making the spill directory: %w", err)
		}
		c.spillDir = dir
	}
	return c.spillDir, nil
}

// writeSpill gob-encodes elems into path, atomically.
func writeSpill(path string, elems []any) (err error) {
	defer func() {
		if r := recover(); r != nil { // gob.Register panics on name clashes
			err = fmt.Errorf("%v", r)
		}
	}()
	for _, x := range elems {
		registerGob(x)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gob.NewEncoder(w).Encode(elems); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func readSpill(path string) ([]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var elems []any
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&elems); err != nil {
		return nil, err
	}
	return elems, nil
}

var gobRegistered sync.Map // reflect.Type -> struct{}

// registerGob registers the dynamic types inside x with gob, which needs
// them to encode values held in interfaces.
func registerGob(x any) {
	if x == nil {
		return
	}
	t := reflect.TypeOf(x)
	if _, done := gobRegistered.LoadOrStore(t, struct{}{}); !done {
		gob.Register(x)
	}
	switch v := x.(type) {
	case Pair:
		registerGob(v.Key)
		registerGob(v.Value)
	case []any:
		for _, e := range v {
			registerGob(e)
		}
	}
}

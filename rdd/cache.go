package rdd

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/gosparkling/gosparkling/internal/elemcodec"
)

// StorageLevel says where a persisted RDD keeps its computed partitions.
type StorageLevel int

const (
	// None is the level of an RDD that is not persisted.
	None StorageLevel = iota
	// MemoryOnly keeps partitions as Go values in memory (Cache's level).
	MemoryOnly
	// MemoryAndDisk keeps partitions in memory while their estimated size
	// fits the Context's cache memory (WithCacheMemory) and writes the
	// others to disk as DiskOnly does. A partition that cannot be written
	// (an element the encoding refuses, see DiskOnly) stays in memory, over
	// the budget: never changed.
	MemoryAndDisk
	// DiskOnly writes partitions to the Context's spill directory in the
	// element encoding the shuffle spills with, and reads them back for
	// each use; Stop removes the files. An element that encoding cannot
	// carry faithfully fails the job with an error naming its type: a
	// struct with unexported fields anywhere inside (unless it encodes
	// itself, as time.Time does), a channel, a func.
	DiskOnly
)

// String describes the level as Spark's StorageLevel.description does:
// "Memory Deserialized 1x Replicated" for MemoryOnly, "Serialized 1x
// Replicated" for None (neither disk nor memory, serialized).
func (l StorageLevel) String() string {
	desc := ""
	if l == MemoryAndDisk || l == DiskOnly {
		desc += "Disk "
	}
	if l == MemoryOnly || l == MemoryAndDisk {
		desc += "Memory Deserialized "
	} else {
		desc += "Serialized "
	}
	return desc + "1x Replicated"
}

// partitionCache holds the computed partitions of a persisted RDD.
type partitionCache struct {
	level   StorageLevel
	sc      *Context
	mu      sync.Mutex
	mem     map[int][]any  // partitions in memory
	memSize map[int]int64  // their estimated sizes, counted in sc.cacheUsed
	files   map[int]string // partitions on disk
	dropped bool           // no longer the RDD's cache: keep nothing more
}

func newPartitionCache(sc *Context, level StorageLevel) *partitionCache {
	return &partitionCache{level: level, sc: sc, mem: map[int][]any{}, memSize: map[int]int64{}, files: map[int]string{}}
}

// Cache persists the RDD in memory (MemoryOnly) and returns it: each
// partition is kept the first time an action computes it whole, and later
// actions, in later notebook cells too, read it from memory.
func (r *RDD) Cache() *RDD { return r.Persist(MemoryOnly) }

// Persist keeps the RDD's computed partitions at the given level
// (MemoryOnly by default) until Unpersist, and returns the RDD. As in
// Spark, the level of a persisted RDD cannot change: persisting it again
// at its level does nothing, at another one panics (Unpersist first).
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
	current := None
	if r.cache != nil {
		current = r.cache.level
	}
	switch {
	case l == current:
	case current != None:
		panic(fmt.Sprintf("rdd.Persist: Cannot change storage level of an RDD after it was already assigned a level "+
			"(it is %s, asked for %s); call Unpersist first", current.name(), l.name()))
	default:
		r.cache = newPartitionCache(r.sc, l)
	}
	return r
}

// name is the level's Go name, for messages.
func (l StorageLevel) name() string {
	return [...]string{"None", "MemoryOnly", "MemoryAndDisk", "DiskOnly"}[l]
}

// Unpersist drops the kept partitions and stops persisting; it returns the
// RDD, which can then be persisted again at any level.
func (r *RDD) Unpersist() *RDD {
	r.partsMu.Lock()
	defer r.partsMu.Unlock()
	if r.cache != nil {
		r.cache.drop()
	}
	r.cache = nil
	return r
}

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
	emitAll(t, elems, emit)
}

// load returns partition p from memory or disk, or false when it is not
// kept (or was dropped while being read).
func (c *partitionCache) load(r *RDD, p int) ([]any, bool) {
	c.mu.Lock()
	elems, inMem := c.mem[p]
	path, onDisk := c.files[p]
	c.mu.Unlock()
	if inMem || !onDisk {
		return elems, inMem
	}
	elems, err := readSpill(path)
	if err != nil {
		c.mu.Lock()
		dropped := c.dropped
		c.mu.Unlock()
		if dropped {
			return nil, false
		}
		failTaskf("rdd: reading cached partition %d of %s: %v", p, r, err)
	}
	return elems, true
}

// store keeps partition p: in memory for MemoryOnly (counted in the cache
// memory, never refused), on disk for DiskOnly, and for MemoryAndDisk in
// memory when its estimated size fits the room left, else on disk.
func (c *partitionCache) store(r *RDD, p int, elems []any) {
	if elems == nil {
		elems = []any{}
	}
	var size int64
	switch c.level {
	case MemoryOnly:
		size = estimateSize(elems)
		c.sc.cacheUsed.Add(size)
		c.keepInMemory(p, elems, size)
		return
	case MemoryAndDisk:
		size = estimateSize(elems)
		if c.sc.reserveCacheMemory(size) {
			c.keepInMemory(p, elems, size)
			return
		}
	}
	path, err := c.spill(r, p, elems)
	switch {
	case err == nil:
		c.keepOnDisk(p, path)
	case c.level == DiskOnly:
		failTaskf("rdd: persisting partition %d of %s to disk: %v", p, r, err)
	default: // MemoryAndDisk that cannot be written: kept in memory
		c.sc.cacheUsed.Add(size)
		c.keepInMemory(p, elems, size)
	}
}

// keepInMemory keeps partition p, whose size is already counted, unless
// it is kept already (another job computed it too) or the cache was
// dropped; then it gives the size back.
func (c *partitionCache) keepInMemory(p int, elems []any, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, inMem := c.mem[p]
	_, onDisk := c.files[p]
	if c.dropped || inMem || onDisk {
		c.sc.cacheUsed.Add(-size)
		return
	}
	c.mem[p], c.memSize[p] = elems, size
}

// keepOnDisk records the file of partition p, or removes it when the
// partition is kept already or the cache was dropped.
func (c *partitionCache) keepOnDisk(p int, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, inMem := c.mem[p]
	_, onDisk := c.files[p]
	if c.dropped || inMem || onDisk {
		os.Remove(path)
		return
	}
	c.files[p] = path
}

// spill writes partition p into a new file of the Context's spill
// directory and returns its path.
func (c *partitionCache) spill(r *RDD, p int, elems []any) (string, error) {
	dir, err := c.sc.spillDirectory()
	if err != nil {
		return "", err
	}
	return writeSpill(dir, fmt.Sprintf("rdd-%d-part-%05d-*.elems", r.id, p), elems)
}

// drop forgets every kept partition, giving back their memory and
// removing their files; a dropped cache keeps nothing more.
func (c *partitionCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, path := range c.files {
		os.Remove(path)
	}
	var freed int64
	for _, n := range c.memSize {
		freed += n
	}
	c.sc.cacheUsed.Add(-freed)
	c.mem, c.memSize, c.files = map[int][]any{}, map[int]int64{}, map[int]string{}
	c.dropped = true
}

// reserveCacheMemory counts n more bytes of cached partitions if they fit
// the budget, and reports whether they did.
func (c *Context) reserveCacheMemory(n int64) bool {
	for {
		used := c.cacheUsed.Load()
		if used+n > c.cacheMemory {
			return false
		}
		if c.cacheUsed.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// spillDirectory returns the Context's directory for files on disk,
// making it on first use; Stop removes it.
func (c *Context) spillDirectory() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spillDir == "" {
		removeOrphanSpillDirs(os.TempDir())
		dir, err := os.MkdirTemp("", spillDirPrefix+strconv.Itoa(os.Getpid())+"-")
		if err != nil {
			return "", fmt.Errorf("rdd: making the spill directory: %w", err)
		}
		c.spillDir = dir
		// A Context dropped without Stop (a notebook assigning a new one to
		// sc) still gives its directory back once it is garbage.
		runtime.AddCleanup(c, func(dir string) { os.RemoveAll(dir) }, dir)
	}
	return c.spillDir, nil
}

// spillDirPrefix starts the names of spill directories: the prefix, the
// process id, "-" and a random suffix.
const spillDirPrefix = "gosparkling-spill-"

// removeOrphanSpillDirs removes the spill directories in dir whose process
// no longer runs: a killed process leaves its directory behind, and the
// next Context started (or spilling) removes it.
func removeOrphanSpillDirs(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), spillDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// processAlive reports whether a process with this id runs (one that we
// may not signal counts as running).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// writeSpill writes elems in the element encoding of package elemcodec
// (the shuffle spill's) into a new file of dir named by pattern (as
// os.CreateTemp names it) and returns its path. An element the encoding
// cannot carry faithfully fails it (an error wrapping
// elemcodec.ErrNotEncodable) before any file is made. On failure it
// leaves no file. The path is unique, so concurrent writers of one
// partition never meet; a file is read only once its path is recorded.
func writeSpill(dir, pattern string, elems []any) (path string, err error) {
	for _, x := range elems {
		if err := elemcodec.Check(x); err != nil {
			return "", fmt.Errorf("element of type %T: %w", x, err)
		}
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	path = f.Name()
	defer func() {
		if err != nil {
			os.Remove(path)
			path = ""
		}
	}()
	enc := elemcodec.NewEncoder(bufio.NewWriterSize(f, 64<<10))
	enc.Uvarint(uint64(len(elems)))
	for _, x := range elems {
		if err = enc.Value(x); err != nil {
			f.Close()
			return path, fmt.Errorf("element of type %T: %w", x, err)
		}
	}
	err = enc.W.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, err
}

func readSpill(path string) ([]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := elemcodec.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	n, err := dec.Uvarint()
	if err != nil {
		return nil, err
	}
	elems := make([]any, 0, min(n, 1<<20))
	for range n {
		x, err := dec.Value()
		if err != nil {
			return nil, err
		}
		elems = append(elems, x)
	}
	return elems, nil
}

// DefaultCacheMemory is the memory budget of cached partitions when the
// Go memory limit is not set: 1 GiB.
const DefaultCacheMemory int64 = 1 << 30

// defaultCacheMemory is half of the Go memory limit when one is set (as
// Spark gives storage a share of the heap), else DefaultCacheMemory.
func defaultCacheMemory() int64 {
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		return limit / 2
	}
	return DefaultCacheMemory
}

// estimateSize estimates the bytes a partition takes in memory, cheaply,
// as Spark's SizeEstimator does: it sizes up to sizeSamples elements,
// evenly spread, and scales their mean to the partition.
func estimateSize(elems []any) int64 {
	const sliceHeader, interfaceSlot = 24, 16
	return sliceHeader + int64(len(elems))*interfaceSlot + sampledSum(len(elems), func(i int) int64 {
		if elems[i] == nil {
			return 0
		}
		v := reflect.ValueOf(elems[i])
		return int64(v.Type().Size()) + referencedBytes(v, 0)
	})
}

const (
	sizeSamples  = 64 // elements sized per partition, and per slice or map inside
	maxSizeDepth = 6  // levels of pointers, slices, maps followed
)

// sampledSum returns the sum of size(i) for i in [0, n), measuring at most
// sizeSamples evenly spread indexes and scaling their total.
func sampledSum(n int, size func(i int) int64) int64 {
	if n <= sizeSamples {
		var total int64
		for i := range n {
			total += size(i)
		}
		return total
	}
	var total int64
	for s := range sizeSamples {
		total += size(s * n / sizeSamples)
	}
	return total * int64(n) / sizeSamples
}

// referencedBytes estimates the bytes v refers to beyond its own
// v.Type().Size(): the bytes of strings, the contents of slices and maps,
// pointees and what interfaces hold, sampled and to a bounded depth.
func referencedBytes(v reflect.Value, depth int) int64 {
	if depth > maxSizeDepth {
		return 0
	}
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		total := int64(v.Cap()) * int64(v.Type().Elem().Size())
		if refersToMemory(v.Type().Elem()) {
			total += sampledSum(v.Len(), func(i int) int64 { return referencedBytes(v.Index(i), depth+1) })
		}
		return total
	case reflect.Array:
		if !refersToMemory(v.Type().Elem()) {
			return 0
		}
		return sampledSum(v.Len(), func(i int) int64 { return referencedBytes(v.Index(i), depth+1) })
	case reflect.Map:
		if v.IsNil() {
			return 0
		}
		const entryOverhead = 16 // buckets, control bytes, load factor
		t := v.Type()
		total := int64(v.Len()) * (int64(t.Key().Size()+t.Elem().Size()) + entryOverhead)
		if refersToMemory(t.Key()) || refersToMemory(t.Elem()) {
			var sampled, n int64
			for it := v.MapRange(); it.Next() && n < sizeSamples; n++ {
				sampled += referencedBytes(it.Key(), depth+1) + referencedBytes(it.Value(), depth+1)
			}
			if n > 0 {
				total += sampled * int64(v.Len()) / n
			}
		}
		return total
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return int64(v.Type().Elem().Size()) + referencedBytes(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		return int64(e.Type().Size()) + referencedBytes(e, depth+1)
	case reflect.Struct:
		var total int64
		for i := range v.NumField() {
			total += referencedBytes(v.Field(i), depth+1)
		}
		return total
	}
	return 0
}

// refersToMemory reports whether values of type t may refer to memory
// outside themselves.
func refersToMemory(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return refersToMemory(t.Elem())
	}
	return true
}

package interp

import (
	"maps"
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// A cell is all or nothing at compile time: when any part of it fails to
// compile, none of its declarations or assignments takes effect. yaegi
// v0.16.1 registers a program's globals while it compiles it (its global
// type analysis replaces the symbol of `x := ...` by a fresh, zero one), so
// a cell whose last line fails to compile would leave the names of its
// first lines defined, or redefined, as zero values. The session saves the
// interpreter's table of globals before compiling a cell and puts it back
// when the compile fails.
//
// The table is unexported: it is reached by reflection on the fields of
// yaegi v0.16.1's Interpreter and scope (scopes["main"].sym, .types and
// universe.types). Should a later yaegi rename them, globalsSnapshot
// returns nil and cells lose the rollback, not their function.

// globalsSnapshot is the interpreter's table of globals at a point in time.
type globalsSnapshot struct {
	mutex *sync.RWMutex
	// sym is the table, map[string]*symbol of the main package scope,
	// seen as a map of unsafe.Pointer (the same layout) so that it is
	// copied by the runtime, not by reflection; entries is its copy.
	sym     *map[string]unsafe.Pointer
	entries map[string]unsafe.Pointer
	// symbols are the symbols of the names the cell defines, and saved a
	// copy of each (a []symbol): the compiler updates them in place (the
	// type of a redefined variable, the node of a redeclared func).
	symbols []reflect.Value
	saved   reflect.Value
	// generic is the interpreter's cache of instantiated generic
	// functions, and genericKeys its keys: an instance made for a type of
	// the failed cell must not serve a later type of the same name.
	generic     *map[string]unsafe.Pointer
	genericKeys map[string]unsafe.Pointer
	types       []savedTypes
}

// savedTypes is a frame layout (a scope's types) and a copy of it.
type savedTypes struct {
	field reflect.Value // the []reflect.Type field, settable
	saved reflect.Value
}

// exposed returns an addressable value as one whose unexported fields can
// be read and set.
func exposed(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// exposedPointer returns a pointer value reached through unexported
// fields as one that can be dereferenced and set.
func exposedPointer(p reflect.Value) reflect.Value {
	return reflect.NewAt(p.Type().Elem(), unsafe.Pointer(p.Pointer()))
}

// field returns the named field of the struct that p points to, usable
// although unexported, or an invalid Value.
func field(p reflect.Value, name string) reflect.Value {
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := p.Elem().FieldByName(name)
	if !f.IsValid() {
		return reflect.Value{}
	}
	return exposed(f)
}

// pointerMap views a map[string]*T reached by reflection as the map of
// unsafe.Pointer it is laid out as, or returns nil.
func pointerMap(m reflect.Value) *map[string]unsafe.Pointer {
	if !m.IsValid() || m.Kind() != reflect.Map || m.Type().Key().Kind() != reflect.String || m.Type().Elem().Kind() != reflect.Pointer {
		return nil
	}
	return (*map[string]unsafe.Pointer)(unsafe.Pointer(m.UnsafeAddr()))
}

// snapshotGlobals saves the globals of the interpreter's main package, and
// the symbols of the names a cell defines, or returns nil when this
// yaegi's internals are not the ones expected.
func snapshotGlobals(yi *interp.Interpreter, defined []string) (snap *globalsSnapshot) {
	defer func() {
		if recover() != nil {
			snap = nil
		}
	}()
	ip := reflect.ValueOf(yi)
	mu := field(ip, "mutex")
	scopes := field(ip, "scopes")
	universe := field(ip, "universe")
	generic := pointerMap(field(ip, "generic"))
	if !mu.IsValid() || !scopes.IsValid() || !universe.IsValid() || scopes.Kind() != reflect.Map || generic == nil {
		return nil
	}
	mutex, ok := mu.Addr().Interface().(*sync.RWMutex)
	if !ok {
		return nil
	}
	mutex.RLock()
	defer mutex.RUnlock()
	main := scopes.MapIndex(reflect.ValueOf("main"))
	if !main.IsValid() {
		return nil
	}
	main = exposedPointer(main)
	symField := field(main, "sym")
	sym := pointerMap(symField)
	if sym == nil {
		return nil
	}
	snap = &globalsSnapshot{mutex: mutex, sym: sym, entries: maps.Clone(*sym),
		generic: generic, genericKeys: maps.Clone(*generic),
		saved: reflect.MakeSlice(reflect.SliceOf(symField.Type().Elem().Elem()), 0, len(defined))}
	for _, name := range defined {
		p := symField.MapIndex(reflect.ValueOf(name))
		if !p.IsValid() || p.IsNil() {
			continue
		}
		p = exposedPointer(p)
		snap.symbols = append(snap.symbols, p)
		snap.saved = reflect.Append(snap.saved, p.Elem())
	}
	for _, sc := range []reflect.Value{main, exposedPointer(universe)} {
		types := field(sc, "types")
		if !types.IsValid() || types.Kind() != reflect.Slice {
			return nil
		}
		saved := reflect.MakeSlice(types.Type(), types.Len(), types.Len())
		reflect.Copy(saved, types)
		snap.types = append(snap.types, savedTypes{field: types, saved: saved})
	}
	return snap
}

// restore puts the saved globals back: names defined since are removed,
// replaced symbols and the frame layout of existing ones restored, and
// generic instances made since forgotten. Frame slots added since are
// left, unused.
func (g *globalsSnapshot) restore() {
	if g == nil {
		return
	}
	g.mutex.Lock()
	defer g.mutex.Unlock()
	for i, p := range g.symbols {
		p.Elem().Set(g.saved.Index(i))
	}
	// In place: the interpreter's table of source packages holds this map.
	for name, p := range *g.sym {
		if old, ok := g.entries[name]; !ok {
			delete(*g.sym, name)
		} else if old != p {
			(*g.sym)[name] = old
		}
	}
	for name, old := range g.entries {
		(*g.sym)[name] = old
	}
	for key := range *g.generic {
		if _, ok := g.genericKeys[key]; !ok {
			delete(*g.generic, key)
		}
	}
	for _, t := range g.types {
		n := min(t.field.Len(), t.saved.Len())
		reflect.Copy(t.field.Slice(0, n), t.saved.Slice(0, n))
	}
}

// sessionState is what compiling a cell changes: the interpreter's
// globals, the session's record of the declarations of cells and the
// shipping sites of its transformations.
type sessionState struct {
	globals *globalsSnapshot
	decls   map[*sessionDecl]sessionDecl // each recorded declaration, and a copy
	names   map[string]*sessionDecl
	declSeq int
	sites   int // len(s.shipSites): the sites of a failed cell are never used
}

// saveState saves what compiling a cell that defines the given names
// changes, for restore.
func (s *Session) saveState(defined []string) *sessionState {
	st := &sessionState{
		globals: snapshotGlobals(s.yaegi, defined),
		decls:   make(map[*sessionDecl]sessionDecl, len(s.decls)),
		names:   make(map[string]*sessionDecl, len(s.decls)),
		declSeq: s.declSeq,
		sites:   len(s.shipSites),
	}
	for name, d := range s.decls {
		st.names[name] = d
		copied := *d
		copied.names = append([]string(nil), d.names...)
		st.decls[d] = copied
	}
	return st
}

// restore undoes what compiling a cell changed since saveState.
func (st *sessionState) restore(s *Session) {
	st.globals.restore()
	for name := range s.decls {
		if _, ok := st.names[name]; !ok {
			delete(s.decls, name)
		}
	}
	for name, d := range st.names {
		*d = st.decls[d]
		s.decls[name] = d
	}
	s.declSeq = st.declSeq
	clear(s.shipSites[st.sites:])
	s.shipSites = s.shipSites[:st.sites]
}

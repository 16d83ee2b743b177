package fileio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// maxBraceExpansions bounds the patterns one {a,b} expression may expand into.
const maxBraceExpansions = 10000

// Expand resolves a path expression into the files it names, in order:
//
//   - paths is a comma-separated list (spaces around items are ignored; commas inside {...}
//     do not separate items); the result keeps the order of the list, duplicates included.
//   - An item without wildcards is a file, or a directory standing for every file below it at
//     any depth, except those whose path below the directory has a component starting with
//     "_" or "." (such as _SUCCESS, _temporary/ or .crc files). A missing item is an error.
//   - An item with wildcards is a glob: "?" matches one character, "*" any run of characters
//     within one path component, "[abc]", "[a-z]" and "[!a]" (or "[^a]") one character of a
//     set, "{x,y}" either alternative, "**" as a whole component any number of directories
//     (zero included), and "\" escapes the next character. A wildcard does not match a name
//     starting with "_" or "." unless the pattern component starts with that same character.
//     A matching directory stands for the files below it, as above. A glob that matches
//     nothing is an error whose cause is ErrNoMatch.
//
// The files of one directory or glob come sorted by path. Listing reaches only as deep as
// each wildcard needs: "/data/2024-*/part-*" lists "/data/" for names starting with "2024-",
// then each matching directory for names starting with "part-".
func (m FileSystems) Expand(ctx context.Context, paths string) ([]FileInfo, error) {
	items, err := splitList(paths)
	if err != nil {
		return nil, err
	}
	var all []FileInfo
	for _, item := range items {
		files, err := m.expandItem(ctx, item, nil)
		if err != nil {
			return nil, err
		}
		all = append(all, files...)
	}
	return all, nil
}

// Expand resolves a path expression into the files it names, using Default; see
// FileSystems.Expand.
func Expand(ctx context.Context, paths string) ([]FileInfo, error) {
	return Default().Expand(ctx, paths)
}

// splitList splits a comma-separated list of paths, leaving commas inside braces alone.
func splitList(paths string) ([]string, error) {
	if strings.TrimSpace(paths) == "" {
		return nil, &Error{Op: "expand", Path: fmt.Sprintf("%q", paths), Err: errors.New("no path given")}
	}
	var items []string
	depth, start := 0, 0
	for i := 0; i <= len(paths); i++ {
		if i < len(paths) {
			switch paths[i] {
			case '\\':
				i++
				continue
			case '{':
				depth++
				continue
			case '}':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		item := strings.TrimSpace(paths[start:i])
		if item == "" {
			return nil, &Error{Op: "expand", Path: paths, Err: errors.New("empty item in comma-separated list")}
		}
		items = append(items, item)
		start = i + 1
	}
	return items, nil
}

func (m FileSystems) expandItem(ctx context.Context, item string, keep func(dir string) bool) ([]FileInfo, error) {
	fsys, err := m.For(item)
	if err != nil {
		return nil, err
	}
	g := &globber{ctx: ctx, fsys: fsys, item: item, seen: map[string]bool{}, keep: keep}
	var listErr error // why the wildcards of item could not be expanded
	if strings.ContainsAny(item, "*?[{") {
		err := g.glob()
		if err == nil {
			if !g.matched {
				return nil, &Error{Op: "glob", Path: item, Err: ErrNoMatch}
			}
			slices.SortFunc(g.out, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
			return g.out, nil
		}
		if !errors.Is(err, ErrListingUnsupported) {
			return nil, err
		}
		// A file system that cannot list (a web server) takes the item literally.
		listErr = err
		g = &globber{ctx: ctx, fsys: fsys, item: item, seen: map[string]bool{}, keep: keep}
	}
	info, err := fsys.Stat(ctx, item)
	if err != nil {
		if listErr != nil {
			return nil, literalGlobError(item, listErr, err)
		}
		return nil, err
	}
	if !info.IsDir {
		return []FileInfo{info}, nil
	}
	if err := g.addDir(item); err != nil {
		return nil, err
	}
	slices.SortFunc(g.out, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return g.out, nil
}

// literalGlobError explains the failure of a glob on a file system that cannot list: its
// wildcards cannot be expanded, and taken literally the path names no file either.
func literalGlobError(item string, listErr, statErr error) error {
	var fe *Error
	if errors.As(listErr, &fe) {
		listErr = fe.Err
	}
	if errors.As(statErr, &fe) && fe.Path == item {
		statErr = fe.Err
	}
	return &Error{Op: "glob", Path: item,
		Err: fmt.Errorf("the wildcards cannot be expanded (%w), and taken literally the path fails: %w", listErr, statErr)}
}

// globber collects the files of one item of a path expression.
type globber struct {
	ctx     context.Context
	fsys    FileSystem
	item    string
	out     []FileInfo
	seen    map[string]bool
	matched bool // something (a file or a directory) matched
	// keep, when set, is asked about every directory below the item's literal root before it
	// is listed (see ExpandPruned); directories are then walked one level at a time.
	keep func(dir string) bool
}

// kept reports whether the directory d is to be walked.
func (g *globber) kept(d string) bool { return g.keep == nil || g.keep(d) }

func (g *globber) add(f FileInfo) {
	if !g.seen[f.Path] {
		g.seen[f.Path] = true
		g.out = append(g.out, f)
	}
}

func (g *globber) glob() error {
	patterns, err := expandBraces(g.item)
	if err != nil {
		return &Error{Op: "glob", Path: g.item, Err: err}
	}
	for _, pattern := range patterns {
		root, rest := splitRoot(pattern)
		if strings.ContainsAny(root, "*?[") {
			return &Error{Op: "glob", Path: g.item, Err: fmt.Errorf("wildcards in %q are not supported", root)}
		}
		var segs []string
		for _, seg := range strings.Split(rest, "/") {
			if seg == "" {
				continue
			}
			if seg != "**" && hasWildcard(seg) {
				seg = translateClasses(seg)
				if _, err := path.Match(seg, ""); err != nil {
					return &Error{Op: "glob", Path: g.item, Err: fmt.Errorf("bad pattern %q: %w", seg, err)}
				}
			}
			segs = append(segs, seg)
		}
		if err := g.walk(root, segs); err != nil {
			return err
		}
	}
	return nil
}

// walk adds the files matching segs below dir.
func (g *globber) walk(dir string, segs []string) error {
	i := slices.IndexFunc(segs, func(seg string) bool { return seg == "**" || hasWildcard(seg) })
	if i < 0 {
		if !g.keptPath(dir, segs[:max(len(segs)-1, 0)]) {
			g.matched = true
			return nil
		}
		return g.addLiteral(joinPath(dir, strings.Join(segs, "/")))
	}
	if !g.keptPath(dir, segs[:i]) {
		g.matched = true
		return nil
	}
	dir = joinPath(dir, strings.Join(segs[:i], "/"))
	seg, remaining := segs[i], segs[i+1:]
	if seg == "**" {
		return g.walkRecursive(dir, segs[i:])
	}
	req := ListRequest{Prefix: joinPath(dir, literalPrefix(seg))}
	for {
		page, err := g.fsys.List(g.ctx, req)
		if err != nil {
			return err
		}
		if len(remaining) == 0 {
			for _, f := range page.Files {
				if matchSegment(seg, baseName(f.Path)) {
					g.matched = true
					g.add(f)
				}
			}
		}
		for _, d := range page.Dirs {
			if !matchSegment(seg, baseName(d)) {
				continue
			}
			if !g.kept(d) {
				g.matched = true // matched, and pruned: no error, no files
				continue
			}
			if len(remaining) == 0 {
				g.matched = true
				err = g.addDir(d)
			} else {
				err = g.walk(d, remaining)
			}
			if err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		req.PageToken = page.Next
	}
}

// walkRecursive lists everything below dir once and keeps the files that match pat (which
// starts with "**") or lie below a directory that does.
func (g *globber) walkRecursive(dir string, pat []string) error {
	prefix := joinPath(dir, "")
	return g.listAll(prefix, func(f FileInfo) {
		names := strings.Split(strings.TrimPrefix(f.Path, prefix), "/")
		if !g.keptBelow(prefix, names) {
			g.matched = true
			return
		}
		for k := len(names); k >= 0; k-- {
			if matchSegments(pat, names[:k]) && allVisible(names[k:]) {
				g.matched = true
				g.add(f)
				return
			}
		}
	})
}

// addLiteral adds the file at p, or the files below it if it is a directory; a missing p
// adds nothing.
func (g *globber) addLiteral(p string) error {
	info, err := g.fsys.Stat(g.ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	g.matched = true
	if info.IsDir {
		if !g.kept(p) {
			return nil
		}
		return g.addDir(p)
	}
	g.add(info)
	return nil
}

// addDir adds the files below directory dir at any depth, skipping paths with a component
// starting with "_" or ".".
func (g *globber) addDir(dir string) error {
	if g.keep != nil {
		return g.addDirPruned(dir)
	}
	prefix := joinPath(dir, "")
	var out outputCheck
	err := g.listAll(prefix, func(f FileInfo) {
		names := strings.Split(strings.TrimPrefix(f.Path, prefix), "/")
		out.see(prefix, names)
		if allVisible(names) {
			g.add(f)
		}
	})
	if err != nil {
		return err
	}
	return out.err()
}

// outputCheck finds, among the files of a listing, the directories that are the output of a
// job that did not commit: entries under _temporary/ but no _SUCCESS.
type outputCheck struct {
	temporary map[string]bool // directory (with trailing "/") -> has _temporary/
	success   map[string]bool // directory -> has _SUCCESS
}

// see notes the file whose path is prefix followed by names joined by "/".
func (c *outputCheck) see(prefix string, names []string) {
	for i, name := range names {
		dir := prefix + strings.Join(names[:i], "/")
		if i > 0 {
			dir += "/"
		}
		switch {
		case name == TemporaryDir && i < len(names)-1:
			if c.temporary == nil {
				c.temporary = map[string]bool{}
			}
			c.temporary[dir] = true
		case name == SuccessMarker && i == len(names)-1:
			if c.success == nil {
				c.success = map[string]bool{}
			}
			c.success[dir] = true
		}
		if hidden(name) {
			return // what lies below a hidden directory is not read
		}
	}
}

// err names the first uncommitted directory seen.
func (c *outputCheck) err() error {
	var bad []string
	for dir := range c.temporary {
		if !c.success[dir] {
			bad = append(bad, dir)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return &Error{Op: "read", Path: strings.TrimSuffix(bad[0], "/"), Err: ErrIncompleteOutput}
}

// listAll calls found for every file below prefix, page by page.
func (g *globber) listAll(prefix string, found func(FileInfo)) error {
	req := ListRequest{Prefix: prefix, Recursive: true}
	for {
		page, err := g.fsys.List(g.ctx, req)
		if err != nil {
			return err
		}
		for _, f := range page.Files {
			found(f)
		}
		if page.Next == "" {
			return nil
		}
		req.PageToken = page.Next
	}
}

// hasWildcard reports whether a path component is a pattern.
func hasWildcard(seg string) bool { return strings.ContainsAny(seg, "*?[") }

// literalPrefix returns the part of a pattern component before its first special character.
func literalPrefix(seg string) string {
	if i := strings.IndexAny(seg, `*?[\`); i >= 0 {
		return seg[:i]
	}
	return seg
}

// baseName returns the last component of a path.
func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// hidden reports whether a name is skipped by directory listings and wildcards.
func hidden(name string) bool { return name != "" && (name[0] == '_' || name[0] == '.') }

func allVisible(names []string) bool { return !slices.ContainsFunc(names, hidden) }

// matchSegment matches one path component against one pattern component (already passed
// through translateClasses and validated). A hidden name only matches a pattern starting
// with the same character.
func matchSegment(pattern, name string) bool {
	if hidden(name) && (pattern == "" || pattern[0] != name[0]) {
		return false
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

// matchSegments matches path components against pattern components, where "**" matches any
// number of visible components.
func matchSegments(pat, names []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for k := 0; k <= len(names); k++ {
				if k > 0 && hidden(names[k-1]) {
					return false
				}
				if matchSegments(pat[1:], names[k:]) {
					return true
				}
			}
			return false
		}
		if len(names) == 0 || !matchSegment(pat[0], names[0]) {
			return false
		}
		pat, names = pat[1:], names[1:]
	}
	return len(names) == 0
}

// translateClasses rewrites the shell's negated class "[!...]" into path.Match's "[^...]".
func translateClasses(seg string) string {
	if !strings.Contains(seg, "[!") {
		return seg
	}
	b := []byte(seg)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '[':
			if i+1 < len(b) && b[i+1] == '!' {
				b[i+1] = '^'
			}
			// skip to the end of the class so that a "[" inside it is not taken as an opener
			for i++; i < len(b) && b[i] != ']'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return string(b)
}

// expandBraces expands "{a,b}" alternatives (nested ones too) into separate patterns.
func expandBraces(pattern string) ([]string, error) {
	open, close := -1, -1
	depth := 0
	var commas []int
scan:
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '\\':
			i++
		case '{':
			if depth == 0 {
				open = i
				commas = commas[:0]
			}
			depth++
		case ',':
			if depth == 1 {
				commas = append(commas, i)
			}
		case '}':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unmatched '}' in %q", pattern)
			}
			if depth == 0 {
				close = i
				break scan
			}
		}
	}
	if depth > 0 {
		return nil, fmt.Errorf("unmatched '{' in %q", pattern)
	}
	if open < 0 {
		return []string{pattern}, nil
	}
	head, tail := pattern[:open], pattern[close+1:]
	cuts := append(append([]int{open}, commas...), close)
	var out []string
	for k := 0; k+1 < len(cuts); k++ {
		alternatives, err := expandBraces(head + pattern[cuts[k]+1:cuts[k+1]] + tail)
		if err != nil {
			return nil, err
		}
		out = append(out, alternatives...)
		if len(out) > maxBraceExpansions {
			return nil, fmt.Errorf("%q expands into more than %d patterns", pattern, maxBraceExpansions)
		}
	}
	return out, nil
}

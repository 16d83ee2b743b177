package fileio

import (
	"context"
	"strings"
)

// ExpandPruned is Expand with a directory filter: keep is called with the full path (no
// trailing "/") of every directory below the literal root of each item before that directory
// is listed, and a directory for which it returns false is skipped with everything below it:
// it is neither listed nor are any of its files returned. Directories that an item names
// or that its wildcards match are then walked one level at a time (one listing per
// directory, page by page) instead of being listed recursively, so that a pruned subtree
// costs no request at all. Only "**" still lists everything below it in one go; the files
// under pruned directories are then dropped from the result. A glob whose every match is
// pruned yields no files and no error.
//
// This is how Hive-style partition directories ("crawl=CC-MAIN-2024-22/subset=warc/") are
// pruned: keep looks at the directory's base name.
func (m FileSystems) ExpandPruned(ctx context.Context, paths string, keep func(dir string) bool) ([]FileInfo, error) {
	items, err := splitList(paths)
	if err != nil {
		return nil, err
	}
	if keep == nil {
		keep = func(string) bool { return true }
	}
	var all []FileInfo
	for _, item := range items {
		files, err := m.expandItem(ctx, item, keep)
		if err != nil {
			return nil, err
		}
		all = append(all, files...)
	}
	return all, nil
}

// addDirPruned adds the files below dir, walking it one directory at a time and skipping
// hidden names and the directories g.keep refuses.
func (g *globber) addDirPruned(dir string) error {
	prefix := joinPath(dir, "")
	req := ListRequest{Prefix: prefix}
	var out outputCheck
	for {
		page, err := g.fsys.List(g.ctx, req)
		if err != nil {
			return err
		}
		for _, f := range page.Files {
			out.see(prefix, []string{baseName(f.Path)})
			if !hidden(baseName(f.Path)) {
				g.add(f)
			}
		}
		for _, d := range page.Dirs {
			if baseName(d) == TemporaryDir {
				out.see(prefix, []string{TemporaryDir, ""})
			}
			if hidden(baseName(d)) || !g.kept(d) {
				continue
			}
			if err := g.addDirPruned(d); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return out.err()
		}
		req.PageToken = page.Next
	}
}

// keptBelow reports whether every directory on the way from prefix down to the file whose
// path components below prefix are names is kept.
func (g *globber) keptBelow(prefix string, names []string) bool {
	if g.keep == nil {
		return true
	}
	return g.keptPath(prefix, names[:len(names)-1])
}

// keptPath reports whether every directory dir/segs[0], dir/segs[0]/segs[1], ... is kept.
func (g *globber) keptPath(dir string, segs []string) bool {
	if g.keep == nil {
		return true
	}
	for _, seg := range segs {
		dir = joinPath(dir, seg)
		if !g.keep(strings.TrimSuffix(dir, "/")) {
			return false
		}
	}
	return true
}

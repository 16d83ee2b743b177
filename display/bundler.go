package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"maps"
	"regexp"
	"strings"
)

// MIMEBundler is implemented by values that know how to show themselves.
// Bundle calls MIMEBundle before looking at anything else, so a cell whose
// last value is a MIMEBundler shows what it returns: a map from MIME type
// ("text/html", "text/markdown", "image/png", ...) to the data of that
// rendition, as Jupyter's display_data carries it. Bundle adds a
// "text/plain" rendition when there is none: the text of the HTML, the
// Markdown, or else the value formatted with fmt.
type MIMEBundler interface {
	MIMEBundle() map[string]any
}

// HTML is HTML to show as such: display.HTML("<b>hi</b>") as a cell's last
// value shows bold text. Its text/plain rendition is the text without tags.
type HTML string

// MIMEBundle returns the HTML as "text/html", and its text as "text/plain".
func (h HTML) MIMEBundle() map[string]any {
	return map[string]any{"text/html": string(h), "text/plain": htmlText(string(h))}
}

// Markdown is Markdown text to show rendered, as "text/markdown", with the
// source itself as "text/plain".
type Markdown string

// MIMEBundle returns the Markdown as "text/markdown" and "text/plain".
func (m Markdown) MIMEBundle() map[string]any {
	return map[string]any{"text/markdown": string(m), "text/plain": string(m)}
}

// SVG is an SVG image, the source of an <svg> element with its xmlns.
type SVG string

// MIMEBundle returns the image as "image/svg+xml", described in
// "text/plain" by its size ("SVG image 640×200").
func (s SVG) MIMEBundle() map[string]any {
	return map[string]any{"image/svg+xml": string(s), "text/plain": svgDescription(string(s))}
}

// PNG is the content of a PNG file, shown as an image.
type PNG []byte

// MIMEBundle returns the image base64-encoded as "image/png", and its size
// as "text/plain" ("PNG image 640×480, 12,345 bytes"). Bytes that are not
// a PNG image are not sent as one: the bundle is then the decoding error
// as "text/plain".
func (p PNG) MIMEBundle() map[string]any {
	cfg, err := png.DecodeConfig(bytes.NewReader(p))
	if err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("display.PNG: %s is not a PNG image: %v", plural(int64(len(p)), "byte"), err)}
	}
	return map[string]any{
		"image/png":  base64.StdEncoding.EncodeToString(p),
		"text/plain": fmt.Sprintf("PNG image %d×%d, %s", cfg.Width, cfg.Height, plural(int64(len(p)), "byte")),
	}
}

// Text is text shown as it is, "text/plain" only, even when it looks like
// something richer.
type Text string

// MIMEBundle returns the text as "text/plain".
func (t Text) MIMEBundle() map[string]any {
	return map[string]any{"text/plain": string(t)}
}

// Rendered is a value already turned into a MIME bundle, as Table, Bar,
// Histogram and JSON return it: later changes to the value they were given
// do not show. Printed with fmt it is its "text/plain" rendition. When the
// value could not be rendered as asked (an unknown column, mismatched
// histogram slices...), Err says why and the bundle is that message as
// "text/plain".
type Rendered struct {
	bundle map[string]any
	err    error
}

// rendered returns the bundle of an error: its message as text/plain.
func renderedError(err error) Rendered {
	return Rendered{bundle: map[string]any{"text/plain": err.Error()}, err: err}
}

// MIMEBundle returns a copy of the bundle.
func (r Rendered) MIMEBundle() map[string]any {
	if r.bundle == nil {
		return map[string]any{"text/plain": ""}
	}
	return maps.Clone(r.bundle)
}

// Err returns why the value could not be rendered as asked, or nil.
func (r Rendered) Err() error { return r.err }

// String returns the "text/plain" rendition.
func (r Rendered) String() string {
	s, _ := r.bundle["text/plain"].(string)
	return s
}

// JSON returns v encoded with encoding/json, shown as "application/json"
// (Jupyter's collapsible tree) with the indented JSON as "text/plain".
// The "application/json" data is a json.RawMessage, which marshals as the
// JSON itself. A value encoding/json cannot encode (a channel, a func, a
// map with keys of an unsupported type) gives the error.
func JSON(v any) Rendered {
	raw, err := json.Marshal(v)
	if err != nil {
		return renderedError(fmt.Errorf("display.JSON: cannot encode a %T: %w", v, err))
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, raw, "", "  "); err != nil {
		return renderedError(fmt.Errorf("display.JSON: %T: %w", v, err))
	}
	return Rendered{bundle: map[string]any{
		"application/json": json.RawMessage(raw),
		"text/plain":       indented.String(),
	}}
}

// bundleOf calls b.MIMEBundle, returning a copy with "text/plain" added
// when missing (see fallbackText). A MIMEBundle method that panics (a nil pointer receiver)
// gives a bundle describing the panic instead.
func bundleOf(b MIMEBundler) (out map[string]any) {
	defer func() {
		if p := recover(); p != nil {
			out = map[string]any{"text/plain": fmt.Sprintf("display: (%T).MIMEBundle panicked: %v", b, p)}
		}
	}()
	out = maps.Clone(b.MIMEBundle())
	if out == nil {
		out = map[string]any{}
	}
	if _, ok := out["text/plain"]; !ok {
		out["text/plain"] = fallbackText(b, out)
	}
	return out
}

// fallbackText is the text/plain rendition of a bundle that lacks one: the
// text of its HTML, its Markdown, or else the value formatted with fmt.
func fallbackText(v any, bundle map[string]any) string {
	if h, ok := bundle["text/html"].(string); ok {
		return htmlText(h)
	}
	if md, ok := bundle["text/markdown"].(string); ok {
		return md
	}
	return fmt.Sprintf("%v", v)
}

var (
	// htmlSkipped matches what has no text to show: comments, scripts,
	// stylesheets.
	htmlSkipped = regexp.MustCompile(`(?is)<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>`)
	// htmlBreak matches the tags that end a line of text.
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|tr|li|h[1-6]|pre|table|ul|ol|blockquote)\s*>`)
	// htmlCell matches the end of a table cell, shown as a tab.
	htmlCell = regexp.MustCompile(`(?i)</t[dh]\s*>`)
	htmlTag  = regexp.MustCompile(`<[^>]*>`)
	// blankLines matches runs of lines with only spaces.
	blankLines = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+`)
)

// htmlText returns the text of an HTML fragment, for its text/plain
// rendition: tags removed, entities decoded, one line per block.
func htmlText(s string) string {
	s = htmlSkipped.ReplaceAllString(s, "")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlCell.ReplaceAllString(s, "\t")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = blankLines.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}

// svgSize matches the width and height attributes of the root element.
var (
	svgRoot   = regexp.MustCompile(`(?is)<svg\b[^>]*>`)
	svgWidth  = regexp.MustCompile(`\swidth\s*=\s*["']([^"']*)["']`)
	svgHeight = regexp.MustCompile(`\sheight\s*=\s*["']([^"']*)["']`)
)

// svgDescription is the text/plain rendition of an SVG image: "SVG image
// 640×200" from the root's width and height, or its length without them.
func svgDescription(s string) string {
	root := svgRoot.FindString(s)
	w, h := svgWidth.FindStringSubmatch(root), svgHeight.FindStringSubmatch(root)
	if w == nil || h == nil {
		return "SVG image, " + plural(int64(len(s)), "byte")
	}
	return "SVG image " + w[1] + "×" + h[1]
}

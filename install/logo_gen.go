//go:build ignore

// logo_gen draws the kernelspec logos: a four-pointed spark on an orange
// disc. Run with `go run logo_gen.go` in this directory.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

func main() {
	for _, size := range []int{32, 64} {
		if err := write(fmt.Sprintf("kernelspec/logo-%dx%d.png", size, size), draw(size)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// draw renders the logo at size×size with 4×4 supersampling.
func draw(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	orange := color.NRGBA{0xE8, 0x6A, 0x1C, 0xFF}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var disc, spark int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					// Coordinates in [-1, 1].
					u := (float64(x)+(float64(sx)+0.5)/ss)/float64(size)*2 - 1
					v := (float64(y)+(float64(sy)+0.5)/ss)/float64(size)*2 - 1
					if u*u+v*v <= 0.96 {
						disc++
						// The spark: |u|^p + |v|^p <= r with p < 1 gives a
						// four-pointed star.
						if math.Pow(math.Abs(u), 0.5)+math.Pow(math.Abs(v), 0.5) <= 0.95 {
							spark++
						}
					}
				}
			}
			a := float64(disc) / ss / ss
			w := float64(spark) / float64(max(disc, 1))
			mix := func(c uint8) uint8 { return uint8(float64(c)*(1-w) + 255*w) }
			img.SetNRGBA(x, y, color.NRGBA{mix(orange.R), mix(orange.G), mix(orange.B), uint8(a * 255)})
		}
	}
	return img
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

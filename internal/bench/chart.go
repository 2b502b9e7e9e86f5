package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// series is one line of a chart panel.
type series struct {
	label  string
	color  color.RGBA
	target string
	lat    int64
	rate   float64 // the rate-limited scenario of ours
}

// key is the series' measurements at n in phase ph (ours: after).
func (s series) key(n int, ph string) key {
	return key{target: s.target, latency: s.lat, rate: s.rate, n: n, phase: ph, mode: ModeAfter}
}

// WriteChart draws median time against N, one panel per phase, for the floors and ours at
// every latency, as a PNG (standard library image packages and x/image's fixed font only).
func WriteChart(r *Results, path string) error {
	const (
		width, height = 1200, 860
		cols, rows    = 2, 2
	)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)

	ss := []series{
		{"terraform_data (no plugin)", color.RGBA{120, 120, 120, 255}, TargetData, 0, 0},
		{"noop framework provider", color.RGBA{31, 119, 180, 255}, TargetNoop, 0, 0},
		{"noop with our schemas", color.RGBA{23, 190, 207, 255}, TargetShaped, 0, 0},
	}
	oursColors := []color.RGBA{{214, 39, 40, 255}, {255, 127, 14, 255}, {148, 103, 189, 255}, {44, 160, 44, 255}}
	for i, l := range r.LatenciesMS {
		ss = append(ss, series{fmt.Sprintf("rockit, mock latency %d ms", l), oursColors[i%len(oursColors)], TargetRockit, l, 0})
	}
	if r.RateLimit > 0 {
		ss = append(ss, series{fmt.Sprintf("rockit, mock limited to %g req/s", r.RateLimit), color.RGBA{140, 86, 75, 255}, TargetRockit, 0, r.RateLimit})
	}
	ix := index(r)

	// Title and legend (wrapped into rows).
	text(img, 20, 22, fmt.Sprintf("terraform-provider-rockit: seconds per terraform command against N objects (median of %d, parallelism %d)", r.Repeats, r.Parallelism), color.Black)
	x, y := 20, 36
	for _, s := range ss {
		w := 30 + 7*len(s.label) + 16
		if x > 20 && x+w > width-20 {
			x, y = 20, y+18
		}
		fill(img, image.Rect(x, y, x+24, y+4), s.color)
		text(img, x+30, y+7, s.label, color.Black)
		x += w
	}
	top := y + 24 // below the legend
	ns := unionInts(r.Ns, r.RateLimitNs)

	panelW, panelH := width/cols, (height-top)/rows
	for pi, ph := range Phases {
		px, py := (pi%cols)*panelW, top+(pi/cols)*panelH
		plot := image.Rect(px+70, py+30, px+panelW-30, py+panelH-50)
		// y range: 0 .. the largest median of the panel, rounded up to a nice step. The
		// rate-limited scenario (seconds where the others take one) does not set it: a point
		// beyond the top is drawn on the top edge with its value.
		ymax := 0.0
		for _, s := range ss {
			if s.rate > 0 {
				continue
			}
			for _, n := range ns {
				if v := medianSeconds(ix, s.key(n, ph)); !math.IsNaN(v) {
					ymax = math.Max(ymax, v)
				}
			}
		}
		step := niceStep(ymax / 5)
		ymax = math.Max(step, math.Ceil(ymax/step)*step)
		xmax := 0
		for _, n := range ns {
			xmax = max(xmax, n)
		}
		toX := func(n int) int { return plot.Min.X + int(float64(n)/(1.05*float64(xmax))*float64(plot.Dx())) }
		toY := func(v float64) int { return plot.Max.Y - int(v/ymax*float64(plot.Dy())) }

		text(img, px+70, py+20, ph, color.Black)
		grid := color.RGBA{225, 225, 225, 255}
		for v := 0.0; v <= ymax+step/2; v += step {
			y := toY(v)
			fill(img, image.Rect(plot.Min.X, y, plot.Max.X, y+1), grid)
			label := fmt.Sprintf("%g s", math.Round(v*100)/100)
			text(img, plot.Min.X-8-7*len(label), y+4, label, color.Black)
		}
		for _, n := range ns {
			xx := toX(n)
			fill(img, image.Rect(xx, plot.Min.Y, xx+1, plot.Max.Y), grid)
			label := fmt.Sprint(n)
			text(img, xx-7*len(label)/2, plot.Max.Y+16, label, color.Black)
		}
		text(img, plot.Max.X-7*len("N objects"), plot.Max.Y+34, "N objects", color.Black)
		fill(img, image.Rect(plot.Min.X, plot.Min.Y, plot.Min.X+1, plot.Max.Y+1), color.Black)
		fill(img, image.Rect(plot.Min.X, plot.Max.Y, plot.Max.X, plot.Max.Y+1), color.Black)

		for _, s := range ss {
			prev := image.Point{-1, -1}
			for _, n := range ns {
				v := medianSeconds(ix, s.key(n, ph))
				if math.IsNaN(v) {
					continue
				}
				p := image.Pt(toX(n), toY(math.Min(v, ymax)))
				if v > ymax {
					label := fmt.Sprintf("%.1f s", v)
					text(img, p.X-7*len(label)-6, p.Y+14, label, s.color)
				}
				fill(img, image.Rect(p.X-3, p.Y-3, p.X+4, p.Y+4), s.color)
				if prev.X >= 0 {
					line(img, prev, p, s.color)
				}
				prev = p
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// niceStep rounds a raw axis step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// line draws a 3-pixel-wide line.
func line(img *image.RGBA, a, b image.Point, c color.Color) {
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	steps := int(math.Max(math.Abs(dx), math.Abs(dy)))
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(max(steps, 1))
		x, y := a.X+int(math.Round(t*dx)), a.Y+int(math.Round(t*dy))
		fill(img, image.Rect(x-1, y-1, x+2, y+2), c)
	}
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

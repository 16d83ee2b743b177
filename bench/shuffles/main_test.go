package main

import (
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestMedianCellTakesTheMedianOfEachMeasure(t *testing.T) {
	cells := []shuffleCell{
		{wall: 3 * time.Second, cpu: 1 * time.Second, peakMB: 200, note: "5 keys"},
		{wall: 1 * time.Second, cpu: 9 * time.Second, peakMB: 100, note: "5 keys"},
		{wall: 2 * time.Second, cpu: 4 * time.Second, peakMB: 300, note: "5 keys"},
	}
	tests := []struct {
		name  string
		cells []shuffleCell
		want  shuffleCell
	}{
		{"one run is its own median", cells[:1], cells[0]},
		{"three runs: each measure's middle, from different runs", cells,
			shuffleCell{wall: 2 * time.Second, cpu: 4 * time.Second, peakMB: 200, note: "5 keys"}},
		{"two runs: the upper median", cells[:2],
			shuffleCell{wall: 3 * time.Second, cpu: 9 * time.Second, peakMB: 200, note: "5 keys"}},
	}
	for _, tt := range tests {
		if got := medianCell(tt.cells); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestEngineAndLoopCountAlike(t *testing.T) {
	// Every workload's engine and hand-written Go give the same count, at
	// a small scale (the table refuses a run where they differ).
	for _, w := range shuffleWorkloads {
		sc := rdd.NewContext()
		got, want := w.engine(sc, 1), w.loop(1)
		sc.Stop()
		if got != want {
			t.Errorf("%s: the engine counted %d, the loop %d", w.name, got, want)
		}
	}
}

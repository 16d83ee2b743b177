//go:build !beam

package main

// beamBuild reports whether the tests (and so the kernel they build) have
// the beam build tag.
const beamBuild = false

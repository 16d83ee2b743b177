package rdd

import (
	"math"
	"reflect"

	"github.com/zeebo/xxh3"
)

// hashKey hashes a shuffle key deterministically: the same key lands in
// the same partition in every run and every process (Go's map hash is
// randomly seeded, so it cannot serve).
func hashKey(k any) uint64 {
	switch v := k.(type) {
	case nil:
		return 0
	case string:
		return xxh3.HashString(v)
	case int:
		return mix64(uint64(v))
	case int64:
		return mix64(uint64(v))
	case int32:
		return mix64(uint64(v))
	case uint64:
		return mix64(v)
	case bool:
		if v {
			return mix64(1)
		}
		return mix64(2)
	case float64:
		return mix64(floatBits(v))
	case Pair:
		return combineHash(hashKey(v.Key), hashKey(v.Value))
	case []byte:
		return xxh3.Hash(v)
	}
	return hashValue(reflect.ValueOf(k))
}

func hashValue(v reflect.Value) uint64 {
	switch v.Kind() {
	case reflect.String:
		return xxh3.HashString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return mix64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return mix64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return mix64(floatBits(v.Float()))
	case reflect.Bool:
		return hashKey(v.Bool())
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return combineHash(mix64(floatBits(real(c))), mix64(floatBits(imag(c))))
	case reflect.Array:
		h := uint64(v.Len())
		for i := 0; i < v.Len(); i++ {
			h = combineHash(h, hashValue(v.Index(i)))
		}
		return h
	case reflect.Struct:
		h := uint64(v.NumField())
		for i := 0; i < v.NumField(); i++ {
			h = combineHash(h, hashValue(v.Field(i)))
		}
		return h
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return hashValue(v.Elem())
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		// Identity keys: stable within a process, which is all they mean.
		return mix64(uint64(v.Pointer()))
	}
	// Slices, maps and funcs are not comparable; the shuffle's map insert
	// reports them. Hash them all alike here.
	return 0
}

// mix64 is the splitmix64 finalizer: it spreads the bits of small integers.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func combineHash(h, x uint64) uint64 {
	return mix64(h*31 + x)
}

// partitionOf returns the partition in [0, n) of key k.
func partitionOf(k any, n int) int {
	return int(hashKey(k) % uint64(n))
}

// floatBits are the bits of f to hash: 0 and -0, equal keys, hash alike.
func floatBits(f float64) uint64 {
	if f == 0 {
		return 0
	}
	return math.Float64bits(f)
}

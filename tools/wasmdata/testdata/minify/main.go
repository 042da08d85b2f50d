// Command minify exercises what the runtime needs of runtime.pclntab:
// wasmdata's minify test runs it before and after the pass and compares
// the outputs, file:line and function names aside. With no argument it
// runs every check and exits 0; "crash" ends in an unrecovered panic
// (a traceback, exit 2), "goexit" in main calling runtime.Goexit (the
// deadlock detector, exit 2).
package main

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	// The runtime's own goroutines (GC, scavenger, …) start in runtime.*
	// functions: not counted, as long as those names begin "runtime.".
	fmt.Println("goroutines at start:", runtime.NumGoroutine())
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "crash":
			crash()
		case "goexit":
			go func() { select {} }() // a user goroutine that never ends
			runtime.Goexit()
		}
		return
	}
	checks := []struct {
		name string
		fn   func()
	}{
		{"recover", recovers},
		{"runtime errors", runtimeErrors},
		{"panicwrap", nilValueMethod},
		{"reflect", reflects},
		{"stack growth", stackGrowth},
		{"goroutines", goroutines},
		{"gc", gcUnderLoad},
		{"finalizers", finalizers},
		{"callers", callers},
		{"defer", defers},
	}
	for _, c := range checks {
		fmt.Printf("== %s\n", c.name)
		c.fn()
	}
	fmt.Println("goroutines at end:", runtime.NumGoroutine())
	fmt.Println("ok")
}

// recovers panics three calls deep, prints the stack in the deferred
// recover and goes on.
func recovers() {
	defer func() {
		r := recover()
		fmt.Println("recovered:", r)
		debug.PrintStack() // to stderr
		os.Stderr.Sync()
	}()
	level1(3)
	fmt.Println("not reached")
}

//go:noinline
func level1(n int) { level2(n) }

//go:noinline
func level2(n int) {
	if n > 0 {
		level2(n - 1)
		return
	}
	panic(fmt.Sprintf("boom at depth %d", n))
}

// runtimeErrors recovers the runtime's own panics: their messages are the
// runtime's, as before.
func runtimeErrors() {
	var m map[string]int
	var p *struct{ x int }
	s := []int{1, 2, 3}
	zero := 0
	for _, f := range []func(){
		func() { m["x"] = 1 },
		func() { _ = p.x },
		func() { i := 5; _ = s[i] },
		func() { _ = 1 / zero },
		func() { var e any = "s"; _ = e.(int) },
		func() { close((chan int)(nil)) },
	} {
		fmt.Println(" ", catch(f))
	}
}

func catch(f func()) (msg string) {
	defer func() {
		r := recover()
		if err, ok := r.(runtime.Error); ok {
			msg = "runtime.Error: " + err.Error()
			return
		}
		msg = fmt.Sprint(r)
	}()
	f()
	return "no panic"
}

type T struct{ n int }

func (t T) Value() int { return t.n }

type valuer interface{ Value() int }

// nilT is a nil *T as a valuer, in a variable so that the compiler cannot
// see through the call (and call T.Value itself).
var nilT valuer = (*T)(nil)

// nilValueMethod calls a value method through a nil *T: the compiler's
// (*T).Value wrapper calls runtime.panicwrap, which reads the wrapper's
// name to build the message (and throws if it cannot).
func nilValueMethod() {
	fmt.Println(" ", catch(func() { nilT.Value() }))
}

// reflects calls through reflect.MakeFunc and a method value, whose stubs'
// frames the GC scans by name, collecting garbage inside the call; and
// prints a reflect.ValueError, which names its method from the callers'
// names.
func reflects() {
	swap := func(in []reflect.Value) []reflect.Value {
		runtime.GC()
		garbage()
		runtime.GC()
		return []reflect.Value{in[1], in[0]}
	}
	var f func(*int, *string) (*string, *int)
	reflect.ValueOf(&f).Elem().Set(reflect.MakeFunc(reflect.TypeOf(f), swap))
	n, s := 7, "seven"
	a, b := f(&n, &s)
	fmt.Println("  makefunc:", *a, *b)

	m := reflect.ValueOf(&counter{}).MethodByName("Add")
	var last reflect.Value
	for i := range 50 {
		last = m.Call([]reflect.Value{reflect.ValueOf(&i)})[0]
	}
	fmt.Println("  method value:", last.Interface())
	add := m.Interface().(func(*int) []string)
	k := 3
	fmt.Println("  method value as func:", len(add(&k)))

	fmt.Println(" ", catch(func() { reflect.Value{}.Elem() }))
	fmt.Println(" ", catch(func() { reflect.ValueOf(struct{ x int }{}).Field(0).Interface() }))
}

type counter struct{ seen []string }

func (c *counter) Add(i *int) []string {
	garbage()
	runtime.GC()
	c.seen = append(c.seen, fmt.Sprint(*i))
	return c.seen
}

var sink []*[64]byte

func garbage() {
	for range 1000 {
		sink = append(sink, new([64]byte))
	}
	sink = sink[:0]
}

// stackGrowth recurses 100,000 deep with pointers on every frame, collects
// garbage at the bottom and checks them all on the way back: the stack is
// copied many times, by pcsp and the stack maps.
func stackGrowth() {
	fmt.Println("  depth sum:", grow(100000, nil))
	done := make(chan int)
	for i := range 8 {
		go func() { done <- grow(20000+i*1000, nil) }()
	}
	sum := 0
	for range 8 {
		sum += <-done
	}
	fmt.Println("  goroutines' depth sum:", sum)
}

type node struct {
	n    int
	next *node
}

//go:noinline
func grow(n int, up *node) int {
	here := &node{n, up}
	if n == 0 {
		runtime.GC()
		total := 0
		for p := here; p != nil; p = p.next {
			total += p.n % 7
		}
		return total
	}
	total := grow(n-1, here)
	if here.n != n || here.next != up {
		panic("a frame's pointer changed")
	}
	return total
}

// goroutines: a pipeline, a mutex and a WaitGroup across 200 goroutines.
func goroutines() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := map[int]int{}
	in := make(chan int)
	out := make(chan [2]int)
	for range 20 {
		wg.Go(func() {
			for n := range in {
				out <- [2]int{n, fib(n % 20)}
			}
		})
	}
	go func() {
		for i := range 400 {
			in <- i
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	for r := range out {
		mu.Lock()
		results[r[0]] = r[1]
		mu.Unlock()
	}
	sum := 0
	for _, v := range results {
		sum += v
	}
	fmt.Println("  results:", len(results), "sum:", sum)

	var wg2 sync.WaitGroup
	var total int
	for i := range 180 {
		wg2.Go(func() {
			time.Sleep(time.Duration(i%5) * time.Millisecond)
			mu.Lock()
			total += i
			mu.Unlock()
		})
	}
	wg2.Wait()
	fmt.Println("  total:", total)
}

//go:noinline
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// gcUnderLoad builds and drops a large linked structure across goroutines
// while collecting, and checks it.
func gcUnderLoad() {
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for g := range 4 {
		wg.Go(func() {
			m := map[string][]*node{}
			for i := range 20000 {
				k := fmt.Sprint(i % 500)
				m[k] = append(m[k], &node{n: i})
				if i%5000 == 0 {
					runtime.GC()
				}
			}
			for _, ns := range m {
				for _, n := range ns {
					sums[g] += n.n
				}
			}
		})
	}
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("  sums:", sums, "gc ran:", ms.NumGC > 3)
}

// finalizers run on the runtime's finalizer goroutine.
func finalizers() {
	var mu sync.Mutex
	ran := 0
	for range 10 {
		p := new([128]byte)
		runtime.SetFinalizer(p, func(*[128]byte) { mu.Lock(); ran++; mu.Unlock() })
	}
	for i := 0; i < 200; i++ {
		runtime.GC()
		time.Sleep(time.Millisecond)
		mu.Lock()
		n := ran
		mu.Unlock()
		if n == 10 {
			break
		}
	}
	fmt.Println("  finalizers ran:", ran)
}

// callers prints what runtime.Caller, Callers and FuncForPC give; the
// test sets names and file:line aside.
func callers() {
	pc, file, line, ok := runtime.Caller(0)
	fmt.Printf("  caller: ok=%v file=%s line=%d name=%s\n", ok, file, line, runtime.FuncForPC(pc).Name())
	pcs := make([]uintptr, 32)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var names []string
	for {
		f, more := frames.Next()
		names = append(names, "name="+f.Function+" "+fmt.Sprint(f.File != "", f.Line >= 0))
		if !more {
			break
		}
	}
	fmt.Println("  frames:", len(names))
	for _, n := range names {
		fmt.Println("   ", n)
	}
	// How many names distinct functions have: after the pass, one
	// (".x", their kind's).
	fs := []any{level1, level2, grow, fib, catch, main, fmt.Println, strings.ToUpper, sort.Ints, errors.New}
	seen := map[string]bool{}
	for _, f := range fs {
		seen[runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()] = true
	}
	fmt.Println("  distinct names:", len(seen), "of", len(fs))
}

// defers: deferred calls in order, a panic inside a deferred call, a
// re-panic, recover returning nil outside a panic, and Goexit on a
// goroutine running its defers.
func defers() {
	var order []int
	func() {
		for i := range 5 {
			defer func() { order = append(order, i) }()
		}
	}()
	fmt.Println("  order:", order)
	fmt.Println(" ", catch(func() {
		defer func() { panic("second") }()
		panic("first")
	}))
	fmt.Println(" ", catch(func() {
		defer func() {
			r := recover()
			panic(fmt.Sprint("re-", r))
		}()
		panic("panic")
	}))
	fmt.Println("  recover outside a panic:", recover())
	done := make(chan string)
	go func() {
		defer func() { done <- "deferred ran after Goexit" }()
		runtime.Goexit()
	}()
	fmt.Println(" ", <-done)
}

// crash panics with no recover: the runtime prints the panic and the
// traceback of goroutine 1 and exits 2.
func crash() {
	defer fmt.Println("deferred before the crash")
	level1(2)
}

package main

// TSP observed protocol, the harness's side (docs/decisions/0002). A test body reports values with
// TSP.ObsInt / TSP.ObsStr; the observer outside this process decides from them and from effects the
// driver sees after the process ended. Nothing here decides anything or holds a secret. The
// identifier TSP is replaced per build by a random one (the sample cannot name it), and the channel
// is written with the syscall package (a sample in package main cannot replace it). The driver runs
// `prog <test id> <dir> <marker> <w0> ... <w7>`; ids are drawn per judging.

import "syscall"

type tspObserver struct {
	id, cur, dir, marker string
	words                [8]string
}

var TSP = &tspObserver{dir: ".", id: "", cur: ""}

func (t *tspObserver) begin(args []string) {
	if len(args) > 1 {
		t.id = args[1]
	}
	if len(args) > 2 {
		t.dir = args[2]
	}
	if len(args) > 3 {
		t.marker = args[3]
	}
	for i := 0; i < 8 && 4+i < len(args); i++ {
		t.words[i] = args[4+i]
	}
}

// Select is true (once) when id is the test this process runs; the body reports under it.
func (t *tspObserver) Select(id string) bool {
	if t.cur != "" || t.id != id {
		return false
	}
	t.cur = id
	return true
}

func (t *tspObserver) put(b []byte) {
	for len(b) > 0 {
		n, err := syscall.Write(3, b)
		if err != nil || n <= 0 {
			return
		}
		b = b[n:]
	}
}

func (t *tspObserver) emit(name string, v []byte, isNil bool) {
	const hexd = "0123456789abcdef"
	cur := t.cur
	if cur == "" {
		cur = "-"
	}
	line := make([]byte, 0, len(cur)+len(name)+2*len(v)+4)
	line = append(line, cur...)
	line = append(line, ' ')
	line = append(line, name...)
	line = append(line, ' ')
	if isNil {
		line = append(line, '!')
	}
	for _, c := range v {
		line = append(line, hexd[c>>4], hexd[c&15])
	}
	line = append(line, '\n')
	t.put(line)
}

func (t *tspObserver) ObsStr(name string, v string) { t.emit(name, []byte(v), false) }
func (t *tspObserver) ObsBytes(name string, v []byte) { t.emit(name, v, v == nil) }
func (t *tspObserver) ObsErr(name string, err error) {
	if err == nil {
		t.emit(name, nil, true)
	} else {
		t.emit(name, []byte(err.Error()), false)
	}
}
func (t *tspObserver) ObsInt(name string, v int64) {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	var d [24]byte
	k := len(d)
	for {
		k--
		d[k] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		k--
		d[k] = '-'
	}
	t.emit(name, d[k:], false)
}
func (t *tspObserver) ObsBool(name string, v bool) {
	if v {
		t.ObsInt(name, 1)
	} else {
		t.ObsInt(name, 0)
	}
}
func (t *tspObserver) Dir() string       { return t.dir }
func (t *tspObserver) Marker() string    { return t.marker }
func (t *tspObserver) Word(i int) string { return t.words[i&7] }

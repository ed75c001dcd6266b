// Command ledgercheck checks a provledger ledger directory with Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, an
// implementation independent of provledger's own Rust code.
//
// It checks, reading only files on disk:
//
//   - the checkpoint is a c2sp.org/signed-note that note.Open accepts with the
//     operator's verifier key, whose name is the checkpoint's origin, and its
//     text is a c2sp.org/tlog-checkpoint (origin, size, base64 root);
//   - the entry bundles (c2sp.org/tlog-tiles, tile/entries/<N>[.p/<W>]) hold
//     exactly `size` uint16-length-prefixed entries, and tlog.TreeHash over
//     their record hashes equals the checkpoint root;
//   - every hash tile (tile/<L>/<N>[.p/<W>], height 8) is byte for byte what
//     tlog computes from the entries, and tlog.TreeHash read through the tiles
//     (tlog.TileHashReader, which authenticates them) equals the root;
//   - tlog.CheckRecord accepts, for every leaf, the proof tlog.ProveRecord
//     builds from the tiles, and tlog.CheckTree accepts tlog.ProveTree proofs
//     between many pairs of sizes;
//   - proofs written by `provledger proof inclusion|consistency --json`, and
//     c2sp.org/tlog-proof files from `provledger proof inclusion --out`, when
//     given, are the proofs tlog builds, tlog.CheckRecord/CheckTree accept
//     them, and their checkpoints open with note.Open;
//   - key pairs written by `provledger key generate` (NAME.key and NAME.pub),
//     when given, are the signed-note signer and verifier forms: note.NewSigner
//     and note.NewVerifier accept them, they name the same key, and a note
//     signed with one opens with the other.
//
// It exits 0 when everything holds and 1 with a message naming the first
// mismatch otherwise (2 for usage errors).
//
// Build offline with Debian's golang-go and golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o ledgercheck .
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is the c2sp.org/tlog-tiles tile height: 2^8 = 256 hashes or
// entries per full tile.
const tileHeight = 8

const tileWidth = 1 << tileHeight

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// fail reports a mismatch between the ledger and what tlog/note compute.
func fail(format string, args ...interface{}) error {
	return fmt.Errorf(format, args...)
}

func main() {
	var (
		ledger      = flag.String("ledger", "", "ledger directory (holds checkpoint and tile/)")
		keyFile     = flag.String("key", "", "operator verifier key file (NAME.pub: name+hexid+base64)")
		maxPairs    = flag.Int("pairs", 4000, "at most this many tlog.CheckTree size pairs")
		quiet       = flag.Bool("q", false, "print only failures and the summary")
		inclusion   listFlag
		consistency listFlag
		tlogProofs  listFlag
		keyPairs    listFlag
	)
	flag.Var(&inclusion, "inclusion", "JSON from `provledger proof inclusion --json` to check (repeatable)")
	flag.Var(&consistency, "consistency", "JSON from `provledger proof consistency --json` to check (repeatable)")
	flag.Var(&tlogProofs, "tlog-proof", "c2sp.org/tlog-proof file from `provledger proof inclusion --out` to check (repeatable)")
	flag.Var(&keyPairs, "keypair", "private key file NAME.key, beside NAME.pub, to check (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: ledgercheck -ledger DIR -key OPERATOR.pub [-inclusion FILE]... [-consistency FILE]... [-tlog-proof FILE]... [-keypair NAME.key]...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *ledger == "" || *keyFile == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}

	c := &checker{dir: *ledger, quiet: *quiet, maxPairs: *maxPairs}
	if err := c.run(*keyFile, inclusion, consistency, tlogProofs, keyPairs); err != nil {
		fmt.Fprintf(os.Stderr, "ledgercheck: FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("ledgercheck: OK: %s: %d entries, root %s, %d record proofs, %d tree proofs, %d tiles, %d CLI proofs, %d key pairs\n",
		c.origin, c.size, c.root, c.recordProofs, c.treeProofs, c.tilesChecked, len(inclusion)+len(consistency)+len(tlogProofs), len(keyPairs))
}

// checker holds what has been established about one ledger so far.
type checker struct {
	dir      string
	quiet    bool
	maxPairs int
	verifier note.Verifier

	origin string
	size   int64
	root   tlog.Hash

	entries [][]byte    // leaf bytes, in order
	stored  []tlog.Hash // tlog stored hashes computed from entries
	tiles   tlog.HashReader

	recordProofs, treeProofs, tilesChecked int
}

func (c *checker) logf(format string, args ...interface{}) {
	if !c.quiet {
		fmt.Printf("  ok  "+format+"\n", args...)
	}
}

func (c *checker) warnf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "ledgercheck: warning: "+format+"\n", args...)
}

func (c *checker) run(keyFile string, inclusion, consistency, tlogProofs, keyPairs []string) error {
	if err := c.checkCheckpoint(keyFile); err != nil {
		return err
	}
	if err := c.readEntries(); err != nil {
		return err
	}
	if err := c.checkTiles(); err != nil {
		return err
	}
	if err := c.checkProofs(); err != nil {
		return err
	}
	for _, f := range inclusion {
		if err := c.checkInclusionJSON(f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	for _, f := range consistency {
		if err := c.checkConsistencyJSON(f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	for _, f := range tlogProofs {
		if err := c.checkTlogProof(f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	for _, f := range keyPairs {
		if err := c.checkKeyPair(f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	return nil
}

// checkCheckpoint opens the signed checkpoint with the operator's verifier key
// and parses its c2sp.org/tlog-checkpoint body.
func (c *checker) checkCheckpoint(keyFile string) error {
	vkeyBytes, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	vkey := strings.TrimSpace(string(vkeyBytes))
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return fail("%s: note.NewVerifier rejects the verifier key %q: %v", keyFile, vkey, err)
	}
	c.verifier = verifier
	msg, err := os.ReadFile(filepath.Join(c.dir, "checkpoint"))
	if err != nil {
		return err
	}
	cp, err := c.openCheckpoint(msg)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	c.origin, c.size, c.root = cp.origin, cp.size, cp.root
	c.logf("checkpoint: note.Open verifies the signature of %q (key hash %08x)", verifier.Name(), verifier.KeyHash())
	c.logf("checkpoint: origin %q, size %d, root %s", c.origin, c.size, c.root)
	return nil
}

// checkpoint is a parsed c2sp.org/tlog-checkpoint.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies a signed checkpoint with note.Open and the operator
// key and parses its body.
func (c *checker) openCheckpoint(msg []byte) (checkpoint, error) {
	var cp checkpoint
	n, err := note.Open(msg, note.VerifierList(c.verifier))
	if err != nil {
		return cp, fail("note.Open with key %q: %v\n--- signed note ---\n%s", c.verifier.Name(), err, msg)
	}
	if len(n.Sigs) == 0 {
		return cp, fail("no signature by %q", c.verifier.Name())
	}

	// c2sp.org/tlog-checkpoint: origin, decimal size, base64 root hash, then
	// optional non-empty extension lines; the note text ends with a newline.
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return cp, fail("body has %d lines, want at least 3 (origin, size, root)", len(lines))
	}
	cp.origin = lines[0]
	if cp.origin == "" {
		return cp, fail("empty origin line")
	}
	if cp.origin != c.verifier.Name() {
		return cp, fail("origin %q differs from the signing key's name %q", cp.origin, c.verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return cp, fail("size line %q is not a canonical decimal", lines[1])
	}
	cp.size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return cp, fail("root line %q is not the base64 of a 32-byte hash", lines[2])
	}
	copy(cp.root[:], root)
	for i, ext := range lines[3:] {
		if ext == "" {
			return cp, fail("extension line %d is empty", i+1)
		}
	}
	return cp, nil
}

// tileIndexPath encodes a tile index as c2sp.org/tlog-tiles does: groups of
// three decimal digits, all but the last prefixed with "x".
func tileIndexPath(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

// tilePath is the c2sp.org/tlog-tiles path of hash tile t (level "entries"
// for entry bundles, when level < 0).
func tilePath(level int, n int64, w int) string {
	l := strconv.Itoa(level)
	if level < 0 {
		l = "entries"
	}
	p := "tile/" + l + "/" + tileIndexPath(n)
	if w < tileWidth {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

// readTileFile reads the tile of the given width, falling back to the prefix
// of the full tile when the partial one is gone (c2sp.org/tlog-tiles allows
// deleting a partial tile once the full one exists).
func (c *checker) readTileFile(level int, n int64, w int) ([]byte, string, error) {
	p := tilePath(level, n, w)
	data, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(p)))
	if err == nil || w == tileWidth || !errors.Is(err, fs.ErrNotExist) {
		return data, p, err
	}
	full := tilePath(level, n, tileWidth)
	data, err2 := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(full)))
	if err2 != nil {
		return nil, p, fmt.Errorf("neither %s nor %s: %w", p, full, err)
	}
	return data, full, nil
}

// parseBundle splits an entry bundle into its uint16-length-prefixed entries.
func parseBundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for off := 0; off < len(data); {
		if len(data)-off < 2 {
			return nil, fmt.Errorf("truncated length prefix at byte %d", off)
		}
		l := int(binary.BigEndian.Uint16(data[off:]))
		off += 2
		if len(data)-off < l {
			return nil, fmt.Errorf("entry %d at byte %d claims %d bytes, only %d remain", len(out), off-2, l, len(data)-off)
		}
		out = append(out, data[off:off+l])
		off += l
	}
	return out, nil
}

// readEntries reads the entry bundles covering the checkpoint's size and
// computes the tree from them with tlog.StoredHashes and tlog.TreeHash.
func (c *checker) readEntries() error {
	for k := int64(0); k*tileWidth < c.size; k++ {
		w := tileWidth
		if rest := c.size - k*tileWidth; rest < tileWidth {
			w = int(rest)
		}
		data, p, err := c.readTileFile(-1, k, w)
		if err != nil {
			return fail("entry bundle %d (width %d) of a %d-entry log: %v", k, w, c.size, err)
		}
		bundle, err := parseBundle(data)
		if err != nil {
			return fail("%s: %v", p, err)
		}
		if p == tilePath(-1, k, w) && len(bundle) != w {
			return fail("%s holds %d entries, want %d", p, len(bundle), w)
		}
		if len(bundle) < w {
			return fail("%s holds %d entries, want at least %d", p, len(bundle), w)
		}
		c.entries = append(c.entries, bundle[:w]...)
	}

	mem := c.memReader() // reads c.stored as it grows
	for i, e := range c.entries {
		hs, err := tlog.StoredHashes(int64(i), e, mem)
		if err != nil {
			return err
		}
		c.stored = append(c.stored, hs...)
	}
	th, err := tlog.TreeHash(c.size, c.memReader())
	if err != nil {
		return err
	}
	if th != c.root {
		return fail("tlog.TreeHash over the %d entries in tile/entries is %s, checkpoint root is %s", c.size, th, c.root)
	}
	c.logf("entries: %d leaves read from %d bundle(s); tlog.TreeHash = checkpoint root", len(c.entries), (c.size+tileWidth-1)/tileWidth)
	return nil
}

// memReader reads the stored hashes computed from the entries.
func (c *checker) memReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(c.stored)) {
				return nil, fmt.Errorf("stored hash %d beyond the tree", x)
			}
			out[i] = c.stored[x]
		}
		return out, nil
	})
}

// fileTiles is a tlog.TileReader over the ledger's tile files.
type fileTiles struct{ c *checker }

func (f fileTiles) Height() int { return tileHeight }

func (f fileTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, p, err := f.c.readTileFile(t.L, t.N, t.W)
		if err != nil {
			return nil, err
		}
		if len(data) < t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s is %d bytes, want %d", p, len(data), t.W*tlog.HashSize)
		}
		out[i] = data[:t.W*tlog.HashSize]
	}
	return out, nil
}

func (f fileTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// checkTiles compares every hash tile on disk with what tlog computes from the
// entries, and every entry bundle on disk with the entries read.
func (c *checker) checkTiles() error {
	// The tiles a reader of this checkpoint needs must all exist.
	for level := 0; c.size>>(uint(tileHeight*level)) > 0; level++ {
		n := c.size >> uint(tileHeight*level)
		for k := int64(0); k*tileWidth < n; k++ {
			w := tileWidth
			if rest := n - k*tileWidth; rest < tileWidth {
				w = int(rest)
			}
			data, p, err := c.readTileFile(level, k, w)
			if err != nil {
				return fail("hash tile level %d index %d width %d: %v", level, k, w, err)
			}
			if err := c.compareHashTile(p, level, k, w, data); err != nil {
				return err
			}
		}
	}

	// Every file under tile/, including older partial tiles, must agree.
	var paths []string
	err := filepath.WalkDir(filepath.Join(c.dir, "tile"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(c.dir, path)
			if err != nil {
				return err
			}
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		level, n, w, ok := parseTilePath(p)
		if !ok {
			c.warnf("%s is not a c2sp.org/tlog-tiles path; ignored", p)
			continue
		}
		data, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(p)))
		if err != nil {
			return err
		}
		if level < 0 {
			if n*tileWidth+int64(w) > c.size {
				c.warnf("%s lies beyond the checkpoint's %d entries; ignored", p, c.size)
				continue
			}
			bundle, err := parseBundle(data)
			if err != nil {
				return fail("%s: %v", p, err)
			}
			if len(bundle) != w {
				return fail("%s holds %d entries, want %d", p, len(bundle), w)
			}
			for i, e := range bundle {
				if idx := n*tileWidth + int64(i); !bytes.Equal(e, c.entries[idx]) {
					return fail("%s: entry %d differs from the same entry in the newest bundle", p, idx)
				}
			}
			c.tilesChecked++
			continue
		}
		if (n*tileWidth+int64(w))<<uint(tileHeight*level) > c.size {
			c.warnf("%s lies beyond the checkpoint's %d entries; ignored", p, c.size)
			continue
		}
		if err := c.compareHashTile(p, level, n, w, data); err != nil {
			return err
		}
		c.tilesChecked++
	}
	c.logf("tiles: %d tile files under tile/ match tlog's hashes and the entries", c.tilesChecked)

	c.tiles = tlog.TileHashReader(tlog.Tree{N: c.size, Hash: c.root}, fileTiles{c})
	th, err := tlog.TreeHash(c.size, c.tiles)
	if err != nil {
		return fail("tlog.TreeHash through tlog.TileHashReader: %v", err)
	}
	if th != c.root {
		return fail("tlog.TreeHash through the tiles is %s, checkpoint root is %s", th, c.root)
	}
	c.logf("tiles: tlog.TileHashReader authenticates the tiles; tlog.TreeHash = checkpoint root")
	return nil
}

func (c *checker) compareHashTile(p string, level int, n int64, w int, data []byte) error {
	want, err := tlog.ReadTileData(tlog.Tile{H: tileHeight, L: level, N: n, W: w}, c.memReader())
	if err != nil {
		return err
	}
	// A partial tile holds exactly w hashes; a full tile (possibly read in
	// place of a deleted partial one) holds 256 of which the first w matter.
	size := w * tlog.HashSize
	if !strings.Contains(p, ".p/") {
		size = tileWidth * tlog.HashSize
	}
	if len(data) != size {
		return fail("%s is %d bytes, want %d", p, len(data), size)
	}
	for i := 0; i < w; i++ {
		got := data[i*tlog.HashSize : (i+1)*tlog.HashSize]
		if !bytes.Equal(got, want[i*tlog.HashSize:(i+1)*tlog.HashSize]) {
			return fail("%s: hash %d (tree level %d, index %d) is %x, tlog computes %x from the entries",
				p, i, level*tileHeight, n*tileWidth+int64(i), got, want[i*tlog.HashSize:(i+1)*tlog.HashSize])
		}
	}
	return nil
}

// parseTilePath parses tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>];
// level is -1 for entry bundles.
func parseTilePath(p string) (level int, n int64, w int, ok bool) {
	parts := strings.Split(p, "/")
	if len(parts) < 3 || parts[0] != "tile" {
		return 0, 0, 0, false
	}
	if parts[1] == "entries" {
		level = -1
	} else {
		l, err := strconv.Atoi(parts[1])
		if err != nil || l < 0 || strconv.Itoa(l) != parts[1] {
			return 0, 0, 0, false
		}
		level = l
	}
	rest := parts[2:]
	w = tileWidth
	if len(rest) >= 2 && strings.HasSuffix(rest[len(rest)-2], ".p") {
		ww, err := strconv.Atoi(rest[len(rest)-1])
		if err != nil || ww < 1 || ww >= tileWidth || strconv.Itoa(ww) != rest[len(rest)-1] {
			return 0, 0, 0, false
		}
		w = ww
		rest = rest[:len(rest)-1]
		rest[len(rest)-1] = strings.TrimSuffix(rest[len(rest)-1], ".p")
	}
	for i, seg := range rest {
		if i < len(rest)-1 {
			if !strings.HasPrefix(seg, "x") {
				return 0, 0, 0, false
			}
			seg = seg[1:]
		}
		if len(seg) != 3 {
			return 0, 0, 0, false
		}
		d, err := strconv.Atoi(seg)
		if err != nil || d < 0 {
			return 0, 0, 0, false
		}
		n = n*1000 + int64(d)
	}
	if tileIndexPath(n) != strings.Join(rest, "/") {
		return 0, 0, 0, false
	}
	return level, n, w, true
}

// checkProofs builds record and tree proofs through the authenticated tile
// reader and checks them with tlog.CheckRecord and tlog.CheckTree.
func (c *checker) checkProofs() error {
	mem := c.memReader()
	for i := int64(0); i < c.size; i++ {
		p, err := tlog.ProveRecord(c.size, i, c.tiles)
		if err != nil {
			return fail("tlog.ProveRecord(%d, %d) through the tiles: %v", c.size, i, err)
		}
		leaf := tlog.RecordHash(c.entries[i])
		if err := tlog.CheckRecord(p, c.size, c.root, i, leaf); err != nil {
			return fail("tlog.CheckRecord for leaf %d in a tree of %d: %v", i, c.size, err)
		}
		c.recordProofs++
	}
	c.logf("proofs: tlog.CheckRecord accepts all %d leaves against the checkpoint", c.size)

	// Tree proofs: every size against the checkpoint, then pairs of sizes.
	rootAt := make([]tlog.Hash, c.size+1)
	for t := int64(1); t <= c.size; t++ {
		h, err := tlog.TreeHash(t, mem)
		if err != nil {
			return err
		}
		rootAt[t] = h
	}
	check := func(t, n int64, r tlog.HashReader) error {
		p, err := tlog.ProveTree(n, t, r)
		if err != nil {
			return fail("tlog.ProveTree(%d, %d) through the tiles: %v", n, t, err)
		}
		if err := tlog.CheckTree(p, n, rootAt[n], t, rootAt[t]); err != nil {
			return fail("tlog.CheckTree from size %d to %d: %v", t, n, err)
		}
		c.treeProofs++
		return nil
	}
	for t := int64(1); t <= c.size; t++ {
		if err := check(t, c.size, c.tiles); err != nil {
			return err
		}
	}
	// Pairs below the checkpoint size: all of them for small logs, otherwise
	// a deterministic spread.
	total := c.size * (c.size - 1) / 2
	step := int64(1)
	if total > int64(c.maxPairs) && c.maxPairs > 0 {
		step = total/int64(c.maxPairs) + 1
	}
	k := int64(0)
	for n := int64(2); n < c.size; n++ {
		for t := int64(1); t < n; t++ {
			if k++; k%step != 0 {
				continue
			}
			if err := check(t, n, c.tiles); err != nil {
				return err
			}
		}
	}
	c.logf("proofs: tlog.CheckTree accepts %d consistency proofs between tree sizes", c.treeProofs)
	return nil
}

// jsonDoc is a decoded proof document; fields are looked up by several
// plausible names so the checker follows the CLI's schema without coupling to
// one spelling.
type jsonDoc map[string]interface{}

func loadJSON(file string) (jsonDoc, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc jsonDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fail("not a JSON object: %v", err)
	}
	return doc, nil
}

// field finds the first of names in doc or in one level of nested objects.
func (d jsonDoc) field(names ...string) (interface{}, bool) {
	for _, n := range names {
		if v, ok := d[n]; ok && v != nil {
			return v, true
		}
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if sub, ok := d[k].(map[string]interface{}); ok {
			if v, ok := jsonDoc(sub).field(names...); ok {
				return v, true
			}
		}
	}
	return nil, false
}

func (d jsonDoc) int(names ...string) (int64, error) {
	v, ok := d.field(names...)
	if !ok {
		return 0, fail("no field %s", strings.Join(names, "/"))
	}
	f, ok := v.(float64)
	if !ok || f < 0 || f != float64(int64(f)) {
		return 0, fail("field %s is %v, want a non-negative integer", names[0], v)
	}
	return int64(f), nil
}

// parseHash accepts a hash as 64 hex digits or standard base64.
func parseHash(v interface{}) (tlog.Hash, error) {
	var h tlog.Hash
	s, ok := v.(string)
	if !ok {
		return h, fail("hash %v is not a string", v)
	}
	var b []byte
	var err error
	if len(s) == 2*tlog.HashSize {
		b, err = hex.DecodeString(s)
	} else {
		b, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil || len(b) != tlog.HashSize {
		return h, fail("%q is neither hex nor base64 of a 32-byte hash", s)
	}
	copy(h[:], b)
	return h, nil
}

func (d jsonDoc) hash(names ...string) (tlog.Hash, bool, error) {
	v, ok := d.field(names...)
	if !ok {
		return tlog.Hash{}, false, nil
	}
	h, err := parseHash(v)
	return h, true, err
}

func (d jsonDoc) hashes(names ...string) ([]tlog.Hash, error) {
	v, ok := d.field(names...)
	if !ok {
		return nil, fail("no field %s", strings.Join(names, "/"))
	}
	list, ok := v.([]interface{})
	if !ok {
		return nil, fail("field %s is not a list", names[0])
	}
	out := make([]tlog.Hash, len(list))
	for i, x := range list {
		h, err := parseHash(x)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func (c *checker) rootOf(n int64) (tlog.Hash, error) {
	if n < 0 || n > c.size {
		return tlog.Hash{}, fail("tree size %d outside 0..%d", n, c.size)
	}
	return tlog.TreeHash(n, c.memReader()) // SHA-256("") for n = 0
}

func sameProof(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkInclusionJSON checks a `provledger proof inclusion --json` document.
func (c *checker) checkInclusionJSON(file string) error {
	doc, err := loadJSON(file)
	if err != nil {
		return err
	}
	index, err := doc.int("index", "leaf_index", "seq")
	if err != nil {
		return err
	}
	n, err := doc.int("tree_size", "size")
	if err != nil {
		return err
	}
	proof, err := doc.hashes("proof", "hashes", "audit_path", "inclusion_proof", "path")
	if err != nil {
		return err
	}
	if index >= n {
		return fail("index %d not below tree size %d", index, n)
	}
	root, err := c.rootOf(n)
	if err != nil {
		return err
	}
	if h, ok, err := doc.hash("root_hash", "root", "tree_hash"); err != nil {
		return err
	} else if ok && h != root {
		return fail("root %s for size %d, tlog.TreeHash gives %s", h, n, root)
	}
	if n > c.size {
		return fail("tree size %d beyond the ledger's %d", n, c.size)
	}
	leaf := tlog.RecordHash(c.entries[index])
	if v, ok := doc.field("leaf"); ok {
		s, _ := v.(string)
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || !bytes.Equal(b, c.entries[index]) {
			return fail("leaf is not the base64 of entry %d's bytes in tile/entries", index)
		}
	}
	if v, ok := doc.field("checkpoint"); ok {
		s, _ := v.(string)
		cp, err := c.openCheckpoint([]byte(s))
		if err != nil {
			return fmt.Errorf("checkpoint field: %w", err)
		}
		if cp.size != n || cp.root != root {
			return fail("checkpoint field is for size %d root %s, the proof for size %d root %s", cp.size, cp.root, n, root)
		}
	}
	if h, ok, err := doc.hash("leaf_hash", "record_hash"); err != nil {
		return err
	} else if ok && h != leaf {
		return fail("leaf hash %s for index %d, tlog.RecordHash of the entry gives %s", h, index, leaf)
	}
	if err := tlog.CheckRecord(proof, n, root, index, leaf); err != nil {
		return fail("tlog.CheckRecord rejects the CLI's inclusion proof of %d in %d: %v", index, n, err)
	}
	want, err := tlog.ProveRecord(n, index, c.memReader())
	if err != nil {
		return err
	}
	if !sameProof(proof, want) {
		return fail("CLI inclusion proof differs from tlog.ProveRecord(%d, %d)", n, index)
	}
	c.logf("%s: tlog.CheckRecord accepts inclusion of leaf %d in tree %d (%d hashes)", file, index, n, len(proof))
	return nil
}

// checkConsistencyJSON checks a `provledger proof consistency --json` document.
func (c *checker) checkConsistencyJSON(file string) error {
	doc, err := loadJSON(file)
	if err != nil {
		return err
	}
	oldN, err := doc.int("old_size", "old_tree_size", "first", "size1", "from")
	if err != nil {
		return err
	}
	newN, err := doc.int("new_size", "new_tree_size", "tree_size", "second", "size2", "to")
	if err != nil {
		return err
	}
	proof, err := doc.hashes("proof", "hashes", "consistency_proof", "path")
	if err != nil {
		return err
	}
	if oldN > newN {
		return fail("old size %d above new size %d", oldN, newN)
	}
	oldRoot, err := c.rootOf(oldN)
	if err != nil {
		return err
	}
	newRoot, err := c.rootOf(newN)
	if err != nil {
		return err
	}
	if h, ok, err := doc.hash("old_root", "old_root_hash", "first_hash", "root1"); err != nil {
		return err
	} else if ok && h != oldRoot {
		return fail("old root %s for size %d, tlog.TreeHash gives %s", h, oldN, oldRoot)
	}
	if h, ok, err := doc.hash("new_root", "new_root_hash", "second_hash", "root2", "root_hash", "root"); err != nil {
		return err
	} else if ok && h != newRoot {
		return fail("new root %s for size %d, tlog.TreeHash gives %s", h, newN, newRoot)
	}
	if oldN == 0 {
		// tlog.CheckTree needs a non-empty old tree; the empty tree is a
		// prefix of every tree with an empty proof (RFC 9162 §2.1.4).
		if len(proof) != 0 {
			return fail("consistency proof from the empty tree has %d hashes, want none", len(proof))
		}
		c.logf("%s: consistency 0 -> %d is empty, as it must be", file, newN)
		return nil
	}
	if err := tlog.CheckTree(proof, newN, newRoot, oldN, oldRoot); err != nil {
		return fail("tlog.CheckTree rejects the CLI's consistency proof %d -> %d: %v", oldN, newN, err)
	}
	want, err := tlog.ProveTree(newN, oldN, c.memReader())
	if err != nil {
		return err
	}
	if !sameProof(proof, want) {
		return fail("CLI consistency proof differs from tlog.ProveTree(%d, %d)", newN, oldN)
	}
	c.logf("%s: tlog.CheckTree accepts consistency %d -> %d (%d hashes)", file, oldN, newN, len(proof))
	return nil
}

// checkTlogProof checks a c2sp.org/tlog-proof file: its checkpoint opens with
// the operator key, and tlog.CheckRecord accepts the inclusion of the leaf in
// its extra data (a provledger leaf) at its index.
func (c *checker) checkTlogProof(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	split := bytes.Index(data, []byte("\n\n"))
	if split < 0 {
		return fail("no blank line before the checkpoint")
	}
	lines := strings.Split(string(data[:split]), "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return fail("first line %q, want c2sp.org/tlog-proof@v1", lines[0])
	}
	lines = lines[1:]
	var extra []byte
	if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
		if extra, err = base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[0], "extra ")); err != nil {
			return fail("extra line is not base64")
		}
		lines = lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return fail("no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	if err != nil || index < 0 {
		return fail("bad index line %q", lines[0])
	}
	var proof tlog.RecordProof
	for _, l := range lines[1:] {
		h, err := parseHash(l)
		if err != nil {
			return err
		}
		proof = append(proof, h)
	}
	cp, err := c.openCheckpoint(data[split+2:])
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if index >= cp.size || cp.size > c.size {
		return fail("index %d, checkpoint size %d, ledger size %d", index, cp.size, c.size)
	}
	if root, err := c.rootOf(cp.size); err != nil || root != cp.root {
		return fail("checkpoint root %s is not the ledger's root at size %d", cp.root, cp.size)
	}
	if extra == nil {
		extra = c.entries[index]
	} else if !bytes.Equal(extra, c.entries[index]) {
		return fail("extra data is not entry %d's leaf bytes", index)
	}
	if err := tlog.CheckRecord(proof, cp.size, cp.root, index, tlog.RecordHash(extra)); err != nil {
		return fail("tlog.CheckRecord rejects the tlog-proof of %d in %d: %v", index, cp.size, err)
	}
	c.logf("%s: c2sp.org/tlog-proof of entry %d under a checkpoint of size %d checks out", file, index, cp.size)
	return nil
}

// checkKeyPair checks a private key file and the .pub beside it with
// note.NewSigner and note.NewVerifier. It never prints the private key.
func (c *checker) checkKeyPair(keyFile string) error {
	skey, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	pubFile := strings.TrimSuffix(keyFile, ".key") + ".pub"
	vkey, err := os.ReadFile(pubFile)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fail("note.NewSigner rejects the private key: %v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return fail("note.NewVerifier rejects %s: %v", pubFile, err)
	}
	if signer.Name() != verifier.Name() || signer.KeyHash() != verifier.KeyHash() {
		return fail("private key is %s+%08x, %s is %s+%08x",
			signer.Name(), signer.KeyHash(), pubFile, verifier.Name(), verifier.KeyHash())
	}
	msg, err := note.Sign(&note.Note{Text: "ledgercheck key pair test\n"}, signer)
	if err != nil {
		return err
	}
	if _, err := note.Open(msg, note.VerifierList(verifier)); err != nil {
		return fail("a note signed with the private key does not open with %s: %v", pubFile, err)
	}
	c.logf("%s: note.NewSigner and note.NewVerifier accept the pair %s+%08x", keyFile, signer.Name(), signer.KeyHash())
	return nil
}

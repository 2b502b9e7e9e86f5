package mockserver

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// List paging of the contract: offset (>= 0, default 0), limit (>= 1, default 10, capped at
// maxLimit), order[] (field, "-field" for descending), fields[] (the fields to return).
const (
	defaultLimit = 10
	maxLimit     = 100
)

// listOptionalFields are the fields list items leave out under Options.ListsOmitOptional.
var listOptionalFields = []string{"created", "updated", "title", "downloadAuth"}

// writePage answers one page of items (already filtered), honouring offset, limit, order[] and
// fields[]. Items are encoded to JSON objects first, so that any field can be sorted on.
// opts.ListsOmitOptional and opts.NoTotal shape the answer as a host that differs from the
// contract's assumptions would (see Options).
// Without order[] the order is unspecified, as the contract says: the mock then orders the
// items by a hash of the seed and their name, which is repeatable for one seed but not the
// name order, so that a client relying on an order it did not ask for fails in tests.
func writePage[T any](w http.ResponseWriter, r *http.Request, opts Options, items []T) {
	q := r.URL.Query()
	offset, limit := 0, defaultLimit
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid parameter 'offset': must be an integer >= 0")
			return
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "invalid parameter 'limit': must be an integer >= 1")
			return
		}
		limit = min(n, maxLimit)
	}
	objs := make([]map[string]any, 0, len(items))
	for _, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		objs = append(objs, m)
	}
	if len(q["order[]"]) == 0 {
		key := func(m map[string]any) uint64 {
			h := fnv.New64a()
			_ = binary.Write(h, binary.LittleEndian, opts.Seed)
			_, _ = fmt.Fprint(h, m["name"], "/", m["username"])
			return h.Sum64()
		}
		sort.SliceStable(objs, func(a, b int) bool { return key(objs[a]) < key(objs[b]) })
	}
	for i := len(q["order[]"]) - 1; i >= 0; i-- {
		field := q["order[]"][i]
		desc := strings.HasPrefix(field, "-")
		field = strings.TrimPrefix(strings.TrimPrefix(field, "-"), "+")
		sort.SliceStable(objs, func(a, b int) bool {
			less := compareValues(objs[a][field], objs[b][field])
			if desc {
				return less > 0
			}
			return less < 0
		})
	}
	total := len(objs)
	page := []map[string]any{}
	if offset < total {
		page = objs[offset:min(offset+limit, total)]
	}
	if fields := q["fields[]"]; len(fields) > 0 {
		for i, m := range page {
			sel := map[string]any{}
			for _, f := range fields {
				if v, ok := m[f]; ok {
					sel[f] = v
				}
			}
			page[i] = sel
		}
	}
	if opts.ListsOmitOptional {
		for _, m := range page {
			for _, f := range listOptionalFields {
				delete(m, f)
			}
		}
	}
	if opts.NoTotal {
		writeList(w, page, nil)
		return
	}
	writeList(w, page, &total)
}

// compareValues orders JSON values: numbers numerically, everything else as text.
func compareValues(a, b any) int {
	fa, aNum := a.(float64)
	fb, bNum := b.(float64)
	if aNum && bNum {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

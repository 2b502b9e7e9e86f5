package client

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
)

// pageSize is the limit the client asks for when it pages through a list; the contract caps
// limit at 100.
const pageSize = 100

// seg escapes one path segment (a name).
func seg(name string) string { return url.PathEscape(name) }

// get reads one object of the organization.
func (c *Client) get(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, request{method: http.MethodGet, path: path, auth: authOrg}, out)
	return err
}

// post creates an object of the organization and decodes the answer's data into out.
func (c *Client) post(ctx context.Context, path string, body, out any) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: path, body: body, auth: authOrg}, out)
	return err
}

// patch changes an object of the organization; the body names the target.
func (c *Client) patch(ctx context.Context, path string, body, out any) error {
	_, err := c.do(ctx, request{method: http.MethodPatch, path: path, body: body, auth: authOrg}, out)
	return err
}

// del deletes an object of the organization.
func (c *Client) del(ctx context.Context, path string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: path, auth: authOrg}, nil)
	return err
}

// listEach is the one paging path: it pages through a list endpoint and yields every item,
// until it has `total` items or, where an answer carries no total, until a page comes back
// short. It asks for the next page only when the consumer wants more, so a consumer that
// stops early (a list resource's limit) reads no further pages. An error is yielded once,
// last.
func listEach[T any](ctx context.Context, c *Client, path string, query url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for offset := 0; ; {
			q := url.Values{}
			for k, v := range query {
				q[k] = v
			}
			q.Set("offset", strconv.Itoa(offset))
			q.Set("limit", strconv.Itoa(pageSize))
			var page []T
			env, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q, auth: authOrg}, &page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
			}
			offset += len(page)
			if len(page) == 0 || (env.Total != nil && offset >= *env.Total) || (env.Total == nil && len(page) < pageSize) {
				return
			}
		}
	}
}

// listAll collects every item of a list endpoint (listEach).
func listAll[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	for item, err := range listEach[T](ctx, c, path, query) {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

// readFunc reads the object a create may have made, as the raw JSON of the answer's data.
type readFunc func(ctx context.Context) (json.RawMessage, error)

// readPath returns a readFunc that GETs one object.
func (c *Client) readPath(path string) readFunc {
	return func(ctx context.Context) (json.RawMessage, error) {
		var raw json.RawMessage
		err := c.get(ctx, path, &raw)
		return raw, err
	}
}

// create POSTs body to path and decodes the answer's data into out, like post. It adds the
// safe-create rule of the retry policy: when an earlier attempt may have created the object
// without its answer arriving (a 5xx, a timeout or a reset after sending) and the retry answers
// 409, the object may be our own. create then reads it with read and adopts it when every field
// of the request (secrets excepted, see secretFields) has the value the server holds: it logs a
// warning, decodes the object into out and returns adopted = true. Secrets that only the lost
// answer carried (initial passwords, API keys, subscription secrets) are not in out then: the
// caller must obtain new ones (e.g. resetCreds) or report them as lost. When the object differs,
// or read is nil (the type cannot be read), create returns an *UnconfirmedCreateError.
// A 409 on the first attempt is a real conflict and is returned unchanged.
func (c *Client) create(ctx context.Context, path string, body, out any, read readFunc) (adopted bool, err error) {
	err = c.post(ctx, path, body, out)
	if err == nil || !MayBeOwnCreate(err) {
		return false, err
	}
	name := requestName(body)
	if read == nil {
		return false, &UnconfirmedCreateError{Method: http.MethodPost, Path: path, Name: name, Cause: err,
			Reason: "the API cannot read this type of object, so it cannot be compared with the request"}
	}
	got, rerr := read(ctx)
	if rerr != nil {
		return false, &UnconfirmedCreateError{Method: http.MethodPost, Path: path, Name: name, Cause: err,
			Reason: "reading the existing object failed: " + rerr.Error()}
	}
	want, merr := json.Marshal(body)
	if merr != nil {
		return false, merr
	}
	if diffs := jsonMismatches(want, got); len(diffs) > 0 {
		return false, &UnconfirmedCreateError{Method: http.MethodPost, Path: path, Name: name, Cause: err, Mismatches: diffs,
			Reason: "the existing object differs from the request, so it was probably made by someone else"}
	}
	if out != nil {
		if uerr := json.Unmarshal(got, out); uerr != nil {
			return false, fmt.Errorf("decoding the adopted object of %s %s: %w", http.MethodPost, path, uerr)
		}
	}
	c.logWarn(ctx, "ROCKIT Edge create answer was lost; adopted the object the retry found, which matches the request", map[string]any{
		"method": http.MethodPost, "path": path, "name": name,
	})
	return true, nil
}

// secretFields are request fields that the server never returns; adoption does not compare them.
var secretFields = map[string]bool{
	"password": true, "apiKey": true, "secret": true, "secretAccessKey": true, "key": true,
	"publicKey": true, "initialPassword": true, "oldPW": true, "newPW": true,
}

// requestName returns the name or username field of a request body, for messages.
func requestName(body any) string {
	raw, err := json.Marshal(body)
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, k := range []string{"name", "username"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	return ""
}

// jsonMismatches compares every field of the request want with the object got and returns a
// description of each field whose value differs ("permissions.apps: requested 15, found 3").
// Fields of got that the request does not name are ignored; arrays compare as sets, since the
// server may order them differently; request fields that are null, empty or absent in got
// count as equal only when the request value is empty too.
func jsonMismatches(want, got json.RawMessage) []string {
	var w, g any
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(got, &g) != nil {
		return []string{"the answer is not a JSON object"}
	}
	var out []string
	compareJSON("", w, g, &out)
	sort.Strings(out)
	return out
}

func compareJSON(at string, want, got any, out *[]string) {
	wm, wok := want.(map[string]any)
	if wok {
		gm, _ := got.(map[string]any)
		for k, wv := range wm {
			if secretFields[k] {
				continue
			}
			p := k
			if at != "" {
				p = at + "." + k
			}
			gv, present := gm[k]
			if !present && isEmptyJSON(wv) {
				continue
			}
			compareJSON(p, wv, gv, out)
		}
		return
	}
	if wa, ok := want.([]any); ok {
		ga, _ := got.([]any)
		if !sameSet(wa, ga) {
			*out = append(*out, fmt.Sprintf("%s: requested %s, found %s", at, compactJSON(want), compactJSON(got)))
		}
		return
	}
	if !reflect.DeepEqual(want, got) && (!isEmptyJSON(want) || !isEmptyJSON(got)) {
		*out = append(*out, fmt.Sprintf("%s: requested %s, found %s", at, compactJSON(want), compactJSON(got)))
	}
}

// sameSet compares two JSON arrays as multisets of their canonical encodings.
func sameSet(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, v := range a {
		count[compactJSON(v)]++
	}
	for _, v := range b {
		k := compactJSON(v)
		if count[k] == 0 {
			return false
		}
		count[k]--
	}
	return true
}

func isEmptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// compactJSON encodes v canonically (encoding/json sorts map keys).
func compactJSON(v any) string {
	if v == nil {
		return "nothing"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

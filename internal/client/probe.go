package client

// Probes: the raw reads of a tool that checks a host against the contract (cmd/rockit-doctor).
// They go through the same credentials, retries and rate limiter as every other request, but
// hand back what the server answered (the raw items, the envelope's total) instead of decoding
// it into the provider's types, so that a host that differs from the contract's assumptions
// can be described rather than only fail.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// RawPage is one page of a list as the server answered it.
type RawPage struct {
	// Items are the raw objects of the answer's data.
	Items []json.RawMessage
	// Total is the envelope's total, nil when the answer carried none.
	Total *int
}

// ListPage reads one page of the list at path (e.g. "/be/v1/roles") with query as given
// (offset, limit, order[] are the caller's): no paging, no snapshot.
func (c *Client) ListPage(ctx context.Context, path string, query url.Values) (RawPage, error) {
	var items []json.RawMessage
	env, err := c.do(ctx, request{method: http.MethodGet, path: path, query: query, auth: authOrg}, &items)
	if err != nil {
		return RawPage{}, err
	}
	return RawPage{Items: items, Total: env.Total}, nil
}

// GetRaw is the single GET of one object of the collection at path (e.g. "/be/v1/roles"), as
// the raw JSON of the answer's data.
func (c *Client) GetRaw(ctx context.Context, path, name string) (json.RawMessage, error) {
	return c.getRaw(ctx, path, name)
}

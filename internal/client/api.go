package client

import (
	"context"
	"net/http"
	"net/url"
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

// listAll pages through a list endpoint until it has every item: until it has `total` items,
// or, where an answer carries no total, until a page comes back short.
func listAll[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
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
			return nil, err
		}
		all = append(all, page...)
		offset += len(page)
		if len(page) == 0 || (env.Total != nil && offset >= *env.Total) || (env.Total == nil && len(page) < pageSize) {
			return all, nil
		}
	}
}

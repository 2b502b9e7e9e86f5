package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// apiBasePath is the path the client adds to the endpoint for every request.
const apiBasePath = "/be/v1"

// ParseEndpoint checks an endpoint (the base URL of an Edge host) and returns it without a
// trailing slash. Its errors say what is wrong in words of our own (never Go's URL parser's),
// so the provider's validator and the client use the same rule:
//   - an http or https URL with a host, e.g. https://edge.example.com;
//   - a base path is allowed (an Edge behind a reverse proxy), but not one ending in /be/v1,
//     which the client adds to every request itself;
//   - no query and no fragment.
func ParseEndpoint(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		return nil, fmt.Errorf("it has no scheme: write it as %q", "https://"+strings.Trim(strings.TrimSpace(s), "/"))
	}
	trimmed := strings.TrimRight(strings.TrimSpace(s), "/")
	u, err := url.Parse(trimmed)
	if err != nil {
		return nil, errors.New("it is not a URL such as https://edge.example.com")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("the scheme must be http or https, not %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("the URL has no host")
	case u.User != nil:
		return nil, errors.New("it must not carry credentials (user:password@)")
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(trimmed, "?") || strings.HasSuffix(trimmed, "#"):
		return nil, errors.New("it must not have a query or a fragment")
	case strings.HasSuffix(strings.ToLower(u.Path), apiBasePath):
		base := *u
		base.Path = strings.TrimSuffix(u.Path[:len(u.Path)-len(apiBasePath)], "/")
		base.RawPath = ""
		return nil, fmt.Errorf("the provider adds %s to every request itself: drop it and write %q", apiBasePath, base.String())
	}
	return u, nil
}

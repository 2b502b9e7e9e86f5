package client

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
)

// Subscription is an event subscription as the API returns it.
type Subscription struct {
	Name string `json:"name"`
	// Type is "webhook" or "slack".
	Type string `json:"type"`
	URL  string `json:"url"`
	// Events are the subscribed events; none means all events.
	Events []SubscriptionEvent `json:"events,omitempty"`
	// Secret verifies the JWT of each webhook call; only the subscribe answer carries it.
	Secret  string `json:"secret,omitempty"`
	Created string `json:"created,omitempty"`
}

// SubscriptionEvent is one event: a task type (dltar, mkraw, deploy) and its event (submit,
// begin, end, error).
type SubscriptionEvent struct {
	Type  string `json:"type"`
	Event string `json:"event"`
}

// CreateSubscriptionRequest is the body of POST /be/v1/subscriptions. No events: all events.
type CreateSubscriptionRequest struct {
	Name   string              `json:"name"`
	Type   string              `json:"type"`
	URL    string              `json:"url"`
	Events []SubscriptionEvent `json:"events,omitempty"`
}

// CreateSubscription subscribes; the answer carries the secret, once. When the answer was lost
// and the subscription adopted but unsubscribing it (to subscribe again for a new secret)
// fails, it returns the adopted subscription together with a *CredentialsLostError.
func (c *Client) CreateSubscription(ctx context.Context, in CreateSubscriptionRequest) (*Subscription, error) {
	var out Subscription
	read := c.reader(Subscriptions, in.Name)
	// The secret travels only in the answer, and a subscription cannot be changed: when the
	// answer was lost and the subscription adopted (proven our own), unsubscribe it and
	// subscribe once more, up to the retry budget. On giving up, the subscription is removed,
	// so that nothing is left on the server that state does not know.
	for lost := 1; ; lost++ {
		out = Subscription{}
		adopted, err := c.create(ctx, Subscriptions.Path(), in, &out, read)
		if err != nil {
			return nil, err
		}
		if !adopted {
			break
		}
		if err := c.DeleteSubscription(ctx, in.Name); err != nil && !IsNotFound(err) {
			adoptedSub := out
			return &adoptedSub, &CredentialsLostError{Kind: "subscription", Name: in.Name, Secret: "secret",
				Cause: fmt.Errorf("unsubscribing it to subscribe again failed: %w", err)}
		}
		// (An object adopted from the journal's evidence, before any POST, may be subscribed
		// again once even with max_retries = 0.)
		if lost > max(c.cfg.MaxRetries, 1) {
			return nil, fmt.Errorf("subscription %q: the answer carrying its secret was lost %d times; it was unsubscribed again, apply again", in.Name, lost)
		}
	}
	return &out, nil
}

// subscriptionReader reads one subscription for adoption, from the list (the API has no
// endpoint for one).
func (c *Client) subscriptionReader(name string) readFunc {
	return func(ctx context.Context) (json.RawMessage, error) {
		s, err := c.findSubscription(ctx, name)
		if err != nil {
			return nil, err
		}
		s.Secret = ""          // the list never carries it; adoption compares the other fields
		return json.Marshal(s) //nolint:gosec // the secret is cleared above
	}
}

// ListSubscriptions pages through all subscriptions of the organization, sorted by name.
func (c *Client) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	return listOf[Subscription](ctx, c, Subscriptions)
}

// EachSubscription pages through the subscriptions as ListSubscriptions does, one page at a
// time as the consumer asks for more.
func (c *Client) EachSubscription(ctx context.Context) iter.Seq2[Subscription, error] {
	return eachOf[Subscription](ctx, c, Subscriptions)
}

// GetSubscription reads one subscription for a refresh, from the list, since the API has no
// endpoint for one subscription: with collection reads on from the subscriptions snapshot
// (snapshot.go: one walk shared by every read; a subscription absent from it is looked for in
// a fresh walk), else as findSubscription does. Absence is an *APIError 404 (IsNotFound) like
// that of the other types.
func (c *Client) GetSubscription(ctx context.Context, name string) (*Subscription, error) {
	if c.cfg.CollectionReads {
		return readOne[Subscription](ctx, c, Subscriptions, name)
	}
	return c.findSubscription(ctx, name)
}

// ReadSubscriptions returns every subscription, from the snapshot when collection reads are on
// (see snapshotList), else as ListSubscriptions does.
func (c *Client) ReadSubscriptions(ctx context.Context) ([]Subscription, error) {
	return readEvery[Subscription](ctx, c, Subscriptions)
}

// findSubscription finds a subscription by name in the list. A subscription missing from one
// walk of the list may only have shifted across a page boundary, so absence is confirmed by a
// second walk; when that does not hold it either, the error is an *APIError 404.
func (c *Client) findSubscription(ctx context.Context, name string) (*Subscription, error) {
	for walk := 1; walk <= 2; walk++ {
		all, err := c.ListSubscriptions(ctx)
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i].Name == name {
				return &all[i], nil
			}
		}
	}
	return nil, &APIError{
		StatusCode: http.StatusNotFound,
		Message:    "subscription '" + name + "' is not in the organization's list of subscriptions (read twice)",
		Method:     http.MethodGet,
		Path:       "/be/v1/subscriptions",
	}
}

// DeleteSubscription unsubscribes.
func (c *Client) DeleteSubscription(ctx context.Context, name string) error {
	return c.del(ctx, Subscriptions.Path()+"/"+seg(name))
}

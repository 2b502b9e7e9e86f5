package mockserver

import (
	"net/http"
	"net/url"
	"time"
)

const subscriptionsResourceName = "subscriptions"

// subscription notifies a webhook or Slack URL of task events.
type subscription struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
	// Events are the subscribed events; absent means all.
	Events  []subscriptionEvent `json:"events,omitempty"`
	Created time.Time           `json:"created"`
	Updated time.Time           `json:"updated"`

	secret string
}

type subscriptionEvent struct {
	Type  string `json:"type"`
	Event string `json:"event"`
}

// The enumerations of the contract (sections 9 and 10).
var (
	subscriptionTypes = map[string]bool{"webhook": true, "slack": true}
	taskTypes         = map[string]bool{"dltar": true, "mkraw": true, "deploy": true}
	eventNames        = map[string]bool{"submit": true, "begin": true, "end": true, "error": true}
	taskStatuses      = map[string]bool{"pending": true, "running": true, "done": true, "failed": true, "expired": true}
)

func (sub *subscription) copy() subscription {
	c := *sub
	c.Events = append([]subscriptionEvent(nil), sub.Events...)
	return c
}

func (s *Server) subscriptionRoutes() {
	s.mux.HandleFunc("POST /be/v1/subscriptions", permittedBody(s, subscriptionsResourceName, PermCreate, s.handleSubscribe))
	s.mux.HandleFunc("GET /be/v1/subscriptions", s.handleListSubscriptions)
	s.mux.HandleFunc("DELETE /be/v1/subscriptions/{name}", s.permitted(subscriptionsResourceName, PermDelete, s.handleUnsubscribe))
}

type subscribeBody struct {
	Name   string              `json:"name"`
	Type   string              `json:"type"`
	URL    string              `json:"url"`
	Events []subscriptionEvent `json:"events"`
}

// handleSubscribe: POST /be/v1/subscriptions (subscriptions Create). The answer carries the
// secret, once.
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request, o *org, in subscribeBody) {
	if !checkName(w, "name", in.Name, nameRE) {
		return
	}
	if !subscriptionTypes[in.Type] {
		writeError(w, http.StatusBadRequest, "invalid parameter 'type': must be \"webhook\" or \"slack\"")
		return
	}
	if u, err := url.Parse(in.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'url': must be an https URL")
		return
	}
	for _, e := range in.Events {
		if !taskTypes[e.Type] {
			writeError(w, http.StatusBadRequest, "invalid parameter 'events.type': must be one of dltar, mkraw, deploy; got '"+e.Type+"'")
			return
		}
		if !eventNames[e.Event] {
			writeError(w, http.StatusBadRequest, "invalid parameter 'events.event': must be one of submit, begin, end, error; got '"+e.Event+"'")
			return
		}
	}
	if _, exists := o.subscriptions[in.Name]; exists {
		writeError(w, http.StatusConflict, "subscription '"+in.Name+"' already exists")
		return
	}
	now := s.opts.Now()
	sub := &subscription{Name: in.Name, Type: in.Type, URL: in.URL, Events: in.Events, Created: now, Updated: now,
		secret: newSecret("whsec_", 24)}
	o.subscriptions[in.Name] = sub
	out := struct {
		subscription
		Secret string `json:"secret"`
	}{sub.copy(), sub.secret}
	writeData(w, http.StatusOK, out)
}

// handleListSubscriptions: GET /be/v1/subscriptions (subscriptions Read); no secrets.
func (s *Server) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	var items []subscription
	if s.asPermitted(w, r, subscriptionsResourceName, PermRead, func(o *org) { items = snapshots(o.subscriptions) }) {
		writePage(w, r, s.opts, items)
	}
}

// handleUnsubscribe: DELETE /be/v1/subscriptions/{name} (subscriptions Delete).
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request, o *org) {
	name := r.PathValue("name")
	if _, found := lookup(w, o.subscriptions, "subscription", name); !found {
		return
	}
	delete(o.subscriptions, name)
	writeMessage(w, "unsubscribed")
}

// --- Go helpers for tests (in-process) ---

// SubscriptionSecret returns the secret the mock issued for a subscription.
func (s *Server) SubscriptionSecret(orgName, name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil && o.subscriptions[name] != nil {
		return o.subscriptions[name].secret, true
	}
	return "", false
}

// SeedSubscription creates a webhook subscription to all events without a request.
func (s *Server) SeedSubscription(orgName, name, hookURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.orgs[orgName].subscriptions[name] = &subscription{Name: name, Type: "webhook", URL: hookURL,
		Created: now, Updated: now, secret: newSecret("whsec_", 24)}
}

// RemoveSubscription deletes a subscription without a request (an out-of-band delete).
func (s *Server) RemoveSubscription(orgName, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		delete(o.subscriptions, name)
	}
}
